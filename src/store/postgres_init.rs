//! `db init` on a server: the roles, the schema made or upgraded, and the
//! grants. Only the database's owner does it.

use anyhow::bail;
use postgres::error::SqlState;

use super::place::{PgPlace, pg_reason};
use super::postgres_schema::{GRANTS, MIGRATIONS, ROLES_SQL, SCHEMA_VERSION, schema_version};
use super::{Tx, seed_entries};

/// Creates or upgrades the schema and grants to the two group roles
/// (creating them when this login may). Returns what was done, a line each.
pub(super) fn init(place: &PgPlace) -> anyhow::Result<Vec<String>> {
    let mut client = place.connect()?;
    let mut done = Vec::new();
    let roles: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_roles \
             WHERE rolname IN ('radiocode_technician', 'radiocode_manager')",
            &[],
        )?
        .try_get(0)?;
    if roles < 2 {
        if let Err(e) = client.batch_execute(ROLES_SQL) {
            bail!(
                "the roles radiocode_technician and radiocode_manager are not on {place}, \
                 and the login {} may not create them ({}): have a superuser run \
                 `psql -d postgres -f assets/postgres/roles.sql`, then run db init again. \
                 Nothing was changed",
                place.user,
                pg_reason(&e)
            );
        }
        done.push("created the roles radiocode_technician and radiocode_manager".to_string());
    }
    let before = schema(&mut client, place).map_err(|e| owner_hint(e, place))?;
    done.push(if before == SCHEMA_VERSION {
        format!("the schema is up to date (version {SCHEMA_VERSION})")
    } else if before == 0 {
        format!("created the radiocode schema (version {SCHEMA_VERSION}) with the public pairs")
    } else {
        format!("upgraded the schema from version {before} to {SCHEMA_VERSION}")
    });
    done.push(
        "granted: radiocode_technician reads and adds (no update, delete or truncate); \
         radiocode_manager also imports and corrects"
            .to_string(),
    );
    Ok(done)
}

/// Makes or upgrades the schema in one transaction; the version it was.
fn schema(client: &mut postgres::Client, place: &PgPlace) -> anyhow::Result<i64> {
    let mut tx = client.transaction()?;
    // Two benches running db init at once take turns.
    tx.execute("SELECT pg_advisory_xact_lock(7272727)", &[])?;
    let before = schema_version(&mut tx)?;
    if before > SCHEMA_VERSION {
        bail!(
            "{place} has radiocode schema version {before}, newer than this radiocode \
         understands ({SCHEMA_VERSION}): use a newer radiocode. Nothing was changed"
        );
    }
    if before == 0 {
        let foreign: i64 = tx
            .query_one(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'radiocode'",
                &[],
            )?
            .try_get(0)?;
        if foreign > 0 {
            bail!(
                "{place} has a schema named radiocode that is not radiocode's records; it \
             was left untouched"
            );
        }
        tx.batch_execute(
            "CREATE SCHEMA IF NOT EXISTS radiocode;
         CREATE TABLE radiocode.meta (key text PRIMARY KEY, value text NOT NULL);",
        )?;
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(before as usize) {
        tx.batch_execute(sql)?;
        if i == 0 {
            for seed in seed_entries() {
                tx.insert_entry(&seed, None, None)?;
            }
        }
    }
    tx.execute(
        "INSERT INTO radiocode.meta (key, value) VALUES ('schema_version', $1) \
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        &[&SCHEMA_VERSION.to_string()],
    )?;
    tx.batch_execute(GRANTS)?;
    tx.commit()?;
    Ok(before)
}

/// A refusal from the server, said as what it means: `db init` changes the
/// schema, which only the database's owner may.
fn owner_hint(e: anyhow::Error, place: &PgPlace) -> anyhow::Error {
    match e.downcast_ref::<postgres::Error>() {
        Some(pe) if pe.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) => anyhow::anyhow!(
            "the login {} may not prepare or upgrade the records on {place} ({}): db init makes \
             and changes the schema, which only the database's owner does (the login that \
             created the database or first ran db init); managers and technicians then use \
             it. Nothing was changed",
            place.user,
            pg_reason(pe)
        ),
        _ => e,
    }
}
