-- The chat data layer: users, sessions, messages, character files, memories with
-- 384-dimension embeddings, and model specializations.

CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS citext;

-- Time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then 12 bits of
-- sub-millisecond clock (method 3), then random bits, so new rows land at the right end of every
-- primary-key index, in insertion order. PostgreSQL 15 has no built-in.
CREATE FUNCTION uuid_generate_v7() RETURNS uuid AS $$
DECLARE
    moment numeric := extract(epoch FROM clock_timestamp()) * 1000;
    milliseconds bigint := floor(moment);
    fraction int := floor((moment - milliseconds) * 4096);
BEGIN
    -- gen_random_uuid() already carries the RFC variant bits; 0x7000 sets version 7.
    RETURN encode(
        overlay(
            overlay(uuid_send(gen_random_uuid()) PLACING substring(int8send(milliseconds) FROM 3) FROM 1 FOR 6)
            PLACING int2send((28672 + fraction)::smallint) FROM 7 FOR 2),
        'hex')::uuid;
END
$$ LANGUAGE plpgsql VOLATILE;

-- updated_at is kept by the database, not by callers.
CREATE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    email citext NOT NULL CONSTRAINT users_email_key UNIQUE
        CONSTRAINT users_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 320),
    name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- user_id is nullable: anonymous sessions exist.
CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz
);
CREATE INDEX sessions_user_id_created_at ON sessions (user_id, created_at DESC);

CREATE TABLE messages (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    role text NOT NULL CONSTRAINT messages_role_check CHECK (role IN ('user', 'assistant', 'system')),
    content text NOT NULL CONSTRAINT messages_content_length CHECK (char_length(content) <= 100000),
    created_at timestamptz NOT NULL DEFAULT now()
);
-- A session's messages in order (keyset pagination on created_at, id).
CREATE INDEX messages_session_id_created_at ON messages (session_id, created_at, id);
-- Full-text search over message content.
CREATE INDEX messages_content_search ON messages USING gin (to_tsvector('english', content));

CREATE TABLE character_files (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    session_id uuid NOT NULL CONSTRAINT character_files_session_id_key UNIQUE
        REFERENCES sessions (id) ON DELETE CASCADE,
    content jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memories (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    content text NOT NULL,
    embedding vector(384),
    importance double precision NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id uuid REFERENCES sessions (id) ON DELETE SET NULL
);
CREATE INDEX memories_user_id_created_at ON memories (user_id, created_at DESC);
CREATE INDEX memories_session_id ON memories (session_id);
CREATE INDEX memories_embedding_cosine ON memories USING hnsw (embedding vector_cosine_ops);

CREATE TABLE specializations (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    name text NOT NULL CONSTRAINT specializations_name_key UNIQUE,
    description text,
    model_path text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER users_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER sessions_updated_at BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER character_files_updated_at BEFORE UPDATE ON character_files FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER specializations_updated_at BEFORE UPDATE ON specializations FOR EACH ROW EXECUTE FUNCTION set_updated_at();
