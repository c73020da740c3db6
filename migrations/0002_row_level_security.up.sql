-- Row-level security: the application role sees only the current user's rows, whatever SQL
-- it runs. The current user is a per-transaction setting the framework sets:
--   SELECT set_config('pgkit.user_id', '<uuid>', true)
-- The migration owner (and superusers) bypass these policies; the app connects as a role that
-- is a member of chat_app (see `dbctl setup --app-role`).

-- Roles belong to the whole server: another database migrating at the same moment may create
-- it between the check and the CREATE, which is fine.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chat_app') THEN
        CREATE ROLE chat_app NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO chat_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON users, sessions, messages, character_files, memories, specializations TO chat_app;
GRANT EXECUTE ON FUNCTION uuid_generate_v7() TO chat_app;

-- The user the current transaction acts for, or NULL when none is set.
CREATE FUNCTION pgkit_current_user_id() RETURNS uuid AS $$
    SELECT nullif(current_setting('pgkit.user_id', true), '')::uuid
$$ LANGUAGE sql STABLE;
GRANT EXECUTE ON FUNCTION pgkit_current_user_id() TO chat_app;

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE character_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE memories ENABLE ROW LEVEL SECURITY;

-- A user sees and changes only their own account. Sign-up (no user yet) may insert.
CREATE POLICY users_self ON users TO chat_app
    USING (id = pgkit_current_user_id())
    WITH CHECK (id = pgkit_current_user_id() OR pgkit_current_user_id() IS NULL);

-- Sessions belong to their user; anonymous sessions are reachable only with no user set.
CREATE POLICY sessions_owner ON sessions TO chat_app
    USING (user_id = pgkit_current_user_id() OR (user_id IS NULL AND pgkit_current_user_id() IS NULL))
    WITH CHECK (user_id = pgkit_current_user_id() OR (user_id IS NULL AND pgkit_current_user_id() IS NULL));

-- Messages and character files follow their session (whose own policy applies inside).
CREATE POLICY messages_owner ON messages TO chat_app
    USING (EXISTS (SELECT FROM sessions s WHERE s.id = session_id))
    WITH CHECK (EXISTS (SELECT FROM sessions s WHERE s.id = session_id));
CREATE POLICY character_files_owner ON character_files TO chat_app
    USING (EXISTS (SELECT FROM sessions s WHERE s.id = session_id))
    WITH CHECK (EXISTS (SELECT FROM sessions s WHERE s.id = session_id));

CREATE POLICY memories_owner ON memories TO chat_app
    USING (user_id = pgkit_current_user_id())
    WITH CHECK (user_id = pgkit_current_user_id());
