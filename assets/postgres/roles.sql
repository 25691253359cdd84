-- The two group roles radiocode's grants are made to. Run once per server by
-- a superuser (or a role with CREATEROLE):
--
--   psql -d postgres -f assets/postgres/roles.sql
--
-- `radiocode db init` runs it too when it is allowed to. Then give each person
-- a login in one of the groups, e.g.
--
--   CREATE ROLE bay2 LOGIN PASSWORD '...' IN ROLE radiocode_technician;
--   CREATE ROLE sam LOGIN PASSWORD '...' IN ROLE radiocode_manager;
--
-- radiocode_technician: reads the records; adds book entries, jobs, tries and
--   notes. Nothing recorded can be changed or deleted (no UPDATE, DELETE or
--   TRUNCATE on any radiocode table).
-- radiocode_manager: everything a technician can, plus imports, exports and
--   the corrections and clean-ups a manager makes.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'radiocode_technician') THEN
        CREATE ROLE radiocode_technician NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'radiocode_manager') THEN
        CREATE ROLE radiocode_manager NOLOGIN;
    END IF;
    IF NOT EXISTS (
        SELECT FROM pg_auth_members m
        JOIN pg_roles g ON g.oid = m.roleid
        JOIN pg_roles r ON r.oid = m.member
        WHERE g.rolname = 'radiocode_technician' AND r.rolname = 'radiocode_manager'
    ) THEN
        GRANT radiocode_technician TO radiocode_manager;
    END IF;
END
$$;
