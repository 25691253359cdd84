//! TLS to the server, as libpq's `sslmode` asks: the roots trusted for
//! `verify-full`, and a verifier that takes any certificate for `require`
//! and `prefer` (encrypted, the certificate not checked).

use std::sync::Arc;

use anyhow::Context;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// TLS to the server, as libpq's `sslmode` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// No TLS.
    Disable,
    /// TLS when the server offers it, without checking its certificate.
    Prefer,
    /// TLS always, without checking the certificate.
    Require,
    /// TLS always; the certificate must chain to a trusted root and name the host.
    VerifyFull,
}

/// The TLS `mode` asks for, trusting `rootcert`'s roots beside the
/// system's for `verify-full`.
pub(super) fn tls(
    mode: SslMode,
    rootcert: Option<&std::path::Path>,
) -> anyhow::Result<(
    postgres::config::SslMode,
    tokio_postgres_rustls::MakeRustlsConnect,
)> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let (ssl_mode, config) = match mode {
        SslMode::VerifyFull => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
            if let Some(file) = rootcert {
                let certs = CertificateDer::pem_file_iter(file)
                    .and_then(|i| i.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| {
                        anyhow::anyhow!(
                            "cannot read sslrootcert {}: {e}",
                            crate::files::shown(file)
                        )
                    })?;
                for cert in certs {
                    roots.add(cert).with_context(|| {
                        format!(
                            "sslrootcert {} holds a bad certificate",
                            crate::files::shown(file)
                        )
                    })?;
                }
            }
            (
                postgres::config::SslMode::Require,
                builder.with_root_certificates(roots).with_no_client_auth(),
            )
        }
        SslMode::Require | SslMode::Prefer | SslMode::Disable => (
            if mode == SslMode::Require {
                postgres::config::SslMode::Require
            } else {
                postgres::config::SslMode::Prefer
            },
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
                .with_no_client_auth(),
        ),
    };
    Ok((
        ssl_mode,
        tokio_postgres_rustls::MakeRustlsConnect::new(config),
    ))
}

/// `sslmode=prefer` and `require` encrypt without checking who answers, as
/// libpq does; `verify-full` checks.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
