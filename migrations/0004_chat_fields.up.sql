-- What an AI chat app keeps (seed 003): users' image, preferences and activity; sessions' title,
-- model, system prompt, settings, archive flag, tags and message counters; messages' typed parts,
-- metadata, status, threads and edit history.
--
-- Every column is added with a constant default (no table rewrite). The rules on new columns
-- are added NOT VALID here, so this migration does not scan the tables while holding their
-- locks; 0005 validates them under a lock that lets reads and writes go on. Rules on columns
-- that already hold data (users.name; a message with neither content nor parts) are checked by
-- triggers on new and changed values only, so existing rows are never refused for a later,
-- unrelated update.
--
-- One step does read a whole table: the sessions' message counters are filled from the existing
-- messages (one pass over messages, one update of every session with messages), inside this
-- transaction so that no message is added or removed meanwhile.
--
-- Requires the ICU collation "und-x-icu" (PostgreSQL built with ICU, as Debian's, the Docker
-- images and the managed services are): the name rule's letters are Unicode letters whatever the
-- database's locale.

-- Full-text search filtered by session and role (0006's index) needs b-tree operator classes for GIN.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- JSON helpers for the rules below. Each is true when the member is absent, and when present
-- checks its JSON type and its bounds (a CASE, so a cast runs only on the right type).
CREATE FUNCTION pgkit_json_string_within(document jsonb, key text, shortest int, longest int) RETURNS boolean AS $$
    SELECT CASE
        WHEN NOT document ? key THEN true
        WHEN jsonb_typeof(document -> key) <> 'string' THEN false
        ELSE char_length(document ->> key) BETWEEN shortest AND longest
    END
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION pgkit_json_number_within(document jsonb, key text, lowest numeric, highest numeric, whole boolean) RETURNS boolean AS $$
    SELECT CASE
        WHEN NOT document ? key THEN true
        WHEN jsonb_typeof(document -> key) <> 'number' THEN false
        ELSE (document ->> key)::numeric BETWEEN lowest AND highest
             AND (NOT whole OR (document ->> key)::numeric = trunc((document ->> key)::numeric))
    END
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- An object holding only `keys` (and, when `required` is given, at least those).
CREATE FUNCTION pgkit_json_object_of(document jsonb, keys text[], required text[] DEFAULT '{}') RETURNS boolean AS $$
    SELECT CASE WHEN jsonb_typeof(document) = 'object' THEN document - keys = '{}'::jsonb AND document ?& required ELSE false END
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- A model identifier: 1-100 characters of ASCII letters, digits and . _ : / -, starting with a
-- letter or digit ("gpt-4o", "meta-llama/Llama-3.1-8B", "ollama:llama3").
CREATE FUNCTION pgkit_valid_model_id(model text) RETURNS boolean AS $$
    SELECT model ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$'
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- users.name (seed 003): 1-100 characters of letters, digits, spaces and hyphens, at least one
-- of them a letter or digit. Letters and digits are Unicode's (general categories L and Nd).
CREATE FUNCTION pgkit_valid_user_name(name text) RETURNS boolean AS $$
    SELECT char_length(name) BETWEEN 1 AND 100
       AND (name COLLATE "und-x-icu") ~ '^[[:alnum:] -]+$'
       AND (name COLLATE "und-x-icu") ~ '[[:alnum:]]'
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- One element of messages.parts: text, image, code or file, with its members and their bounds.
CREATE FUNCTION pgkit_valid_message_part(part jsonb) RETURNS boolean AS $$
    SELECT CASE part ->> 'type'
        WHEN 'text' THEN pgkit_json_object_of(part, '{type,text}', '{text}')
            AND pgkit_json_string_within(part, 'text', 0, 100000)
        WHEN 'image' THEN pgkit_json_object_of(part, '{type,url,alt,width,height}', '{url}')
            AND pgkit_json_string_within(part, 'url', 1, 2048)
            AND pgkit_json_string_within(part, 'alt', 0, 1000)
            AND pgkit_json_number_within(part, 'width', 1, 100000, true)
            AND pgkit_json_number_within(part, 'height', 1, 100000, true)
        WHEN 'code' THEN pgkit_json_object_of(part, '{type,language,code,filename}', '{language,code}')
            AND pgkit_json_string_within(part, 'language', 1, 50)
            AND pgkit_json_string_within(part, 'code', 0, 100000)
            AND pgkit_json_string_within(part, 'filename', 1, 255)
        WHEN 'file' THEN pgkit_json_object_of(part, '{type,fileId,fileName,fileType,fileSize}', '{fileId,fileName,fileType,fileSize}')
            AND pgkit_json_string_within(part, 'fileId', 1, 255)
            AND pgkit_json_string_within(part, 'fileName', 1, 255)
            AND jsonb_typeof(part -> 'fileType') = 'string'
            AND (part ->> 'fileType') ~ '^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$'
            AND pgkit_json_number_within(part, 'fileSize', 0, 104857600, true)
        ELSE false
    END
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION pgkit_valid_message_parts(parts jsonb) RETURNS boolean AS $$
    SELECT CASE WHEN jsonb_typeof(parts) = 'array'
        THEN NOT EXISTS (SELECT FROM jsonb_array_elements(parts) AS p(part) WHERE NOT coalesce(pgkit_valid_message_part(part), false))
        ELSE false END
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- The text of a message's parts, which `content` holds for search: text, code, image alt text
-- and file names, in order, joined by single spaces (empty pieces skipped).
CREATE FUNCTION pgkit_message_parts_text(parts jsonb) RETURNS text AS $$
    SELECT coalesce(string_agg(piece, ' ' ORDER BY position), '')
    FROM jsonb_array_elements(parts) WITH ORDINALITY AS p(part, position),
         LATERAL (SELECT CASE part ->> 'type'
             WHEN 'text' THEN part ->> 'text'
             WHEN 'code' THEN part ->> 'code'
             WHEN 'image' THEN part ->> 'alt'
             WHEN 'file' THEN part ->> 'fileName'
         END) AS t(piece)
    WHERE piece <> ''
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- messages.edit_history: the content (and parts) a message had before each edit, oldest first,
-- with the edit's time in Unix milliseconds (seed 003's editHistory).
CREATE FUNCTION pgkit_valid_edit_history(history jsonb) RETURNS boolean AS $$
    SELECT CASE WHEN jsonb_typeof(history) = 'array' THEN NOT EXISTS (
           SELECT FROM jsonb_array_elements(history) AS e(edit)
           WHERE NOT coalesce(
               pgkit_json_object_of(edit, '{previousContent,previousParts,timestamp}', '{previousContent,timestamp}')
               AND pgkit_json_string_within(edit, 'previousContent', 0, 100000)
               AND pgkit_json_number_within(edit, 'timestamp', 0, 253402300799999, true)
               AND (NOT edit ? 'previousParts' OR pgkit_valid_message_parts(edit -> 'previousParts')),
               false))
        ELSE false END
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- sessions.tags: each tag 1-50 characters, no NULLs, one dimension.
CREATE FUNCTION pgkit_valid_tags(tags text[]) RETURNS boolean AS $$
    SELECT coalesce(array_ndims(tags), 1) = 1
       AND NOT EXISTS (SELECT FROM unnest(tags) AS t(tag) WHERE tag IS NULL OR char_length(tag) NOT BETWEEN 1 AND 50)
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

GRANT EXECUTE ON FUNCTION pgkit_json_string_within(jsonb, text, int, int), pgkit_json_number_within(jsonb, text, numeric, numeric, boolean),
    pgkit_json_object_of(jsonb, text[], text[]), pgkit_valid_model_id(text), pgkit_valid_user_name(text),
    pgkit_valid_message_part(jsonb), pgkit_valid_message_parts(jsonb), pgkit_message_parts_text(jsonb),
    pgkit_valid_edit_history(jsonb), pgkit_valid_tags(text[]) TO chat_app;

-- Users -------------------------------------------------------------------------------------

ALTER TABLE users
    ADD COLUMN image text,
    ADD COLUMN preferences jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN is_active boolean NOT NULL DEFAULT true,
    ADD COLUMN last_active_at timestamptz,
    ADD CONSTRAINT users_image_length CHECK (char_length(image) BETWEEN 1 AND 2048) NOT VALID,
    -- theme, language (a BCP 47 tag such as "en" or "pt-BR"), defaultModel, enableNotifications.
    ADD CONSTRAINT users_preferences_keys
        CHECK (pgkit_json_object_of(preferences, '{theme,language,defaultModel,enableNotifications}')) NOT VALID,
    ADD CONSTRAINT users_preferences_theme
        CHECK (NOT preferences ? 'theme' OR (preferences -> 'theme') IN ('"light"', '"dark"', '"system"')) NOT VALID,
    ADD CONSTRAINT users_preferences_language
        CHECK (NOT preferences ? 'language' OR (jsonb_typeof(preferences -> 'language') = 'string'
            AND char_length(preferences ->> 'language') <= 35
            AND (preferences ->> 'language') ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$')) NOT VALID,
    ADD CONSTRAINT users_preferences_default_model
        CHECK (NOT preferences ? 'defaultModel' OR (jsonb_typeof(preferences -> 'defaultModel') = 'string'
            AND pgkit_valid_model_id(preferences ->> 'defaultModel'))) NOT VALID,
    ADD CONSTRAINT users_preferences_notifications
        CHECK (NOT preferences ? 'enableNotifications' OR jsonb_typeof(preferences -> 'enableNotifications') = 'boolean') NOT VALID;

-- The name rule applies to names written from now on: a name stored before it keeps working.
CREATE FUNCTION pgkit_users_check_name() RETURNS trigger AS $$
BEGIN
    IF NEW.name IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.name IS DISTINCT FROM OLD.name)
       AND NOT pgkit_valid_user_name(NEW.name) THEN
        RAISE EXCEPTION 'new row for relation "users" violates check constraint "users_name_format"'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'users_name_format', TABLE = 'users', COLUMN = 'name',
                  DETAIL = 'A name is 1-100 letters, digits, spaces and hyphens.';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER users_check_name BEFORE INSERT OR UPDATE OF name ON users FOR EACH ROW EXECUTE FUNCTION pgkit_users_check_name();

-- Sessions ----------------------------------------------------------------------------------

ALTER TABLE sessions
    ADD COLUMN title text,
    ADD COLUMN model text,
    ADD COLUMN system_prompt text,
    ADD COLUMN settings jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN is_archived boolean NOT NULL DEFAULT false,
    ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
    -- Kept by the database (the triggers below): callers' writes to them are ignored.
    ADD COLUMN last_message_at timestamptz,
    ADD COLUMN message_count integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT sessions_title_length CHECK (char_length(title) BETWEEN 1 AND 200) NOT VALID,
    ADD CONSTRAINT sessions_model_format CHECK (pgkit_valid_model_id(model)) NOT VALID,
    ADD CONSTRAINT sessions_system_prompt_length CHECK (char_length(system_prompt) <= 2000) NOT VALID,
    ADD CONSTRAINT sessions_settings_keys
        CHECK (pgkit_json_object_of(settings, '{temperature,maxTokens,topP,frequencyPenalty,presencePenalty}')) NOT VALID,
    ADD CONSTRAINT sessions_settings_temperature CHECK (pgkit_json_number_within(settings, 'temperature', 0, 2, false)) NOT VALID,
    ADD CONSTRAINT sessions_settings_max_tokens CHECK (pgkit_json_number_within(settings, 'maxTokens', 1, 32000, true)) NOT VALID,
    ADD CONSTRAINT sessions_settings_top_p CHECK (pgkit_json_number_within(settings, 'topP', 0, 1, false)) NOT VALID,
    ADD CONSTRAINT sessions_settings_frequency_penalty CHECK (pgkit_json_number_within(settings, 'frequencyPenalty', -2, 2, false)) NOT VALID,
    ADD CONSTRAINT sessions_settings_presence_penalty CHECK (pgkit_json_number_within(settings, 'presencePenalty', -2, 2, false)) NOT VALID,
    ADD CONSTRAINT sessions_tags_count CHECK (cardinality(tags) <= 20) NOT VALID,
    ADD CONSTRAINT sessions_tags_length CHECK (pgkit_valid_tags(tags)) NOT VALID,
    ADD CONSTRAINT sessions_message_count_nonnegative CHECK (message_count >= 0) NOT VALID;

-- Messages ----------------------------------------------------------------------------------

ALTER TABLE messages
    ADD COLUMN parts jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN status text NOT NULL DEFAULT 'sent',
    ADD COLUMN parent_message_id uuid,
    -- 0 for a message that starts a thread, the parent's level + 1 for a reply (the database's).
    ADD COLUMN thread_level integer NOT NULL DEFAULT 0,
    -- Appended by the database when content or parts change; edited_at is the last edit's time.
    ADD COLUMN edit_history jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN edited_at timestamptz,
    -- Deleting a message orphans its replies (seed 003): they stay, without a parent.
    ADD CONSTRAINT messages_parent_message_id_fkey FOREIGN KEY (parent_message_id) REFERENCES messages (id) ON DELETE SET NULL NOT VALID,
    ADD CONSTRAINT messages_status_check CHECK (status IN ('sending', 'sent', 'delivered', 'error', 'deleted')) NOT VALID,
    ADD CONSTRAINT messages_thread_level_range CHECK (thread_level BETWEEN 0 AND 10) NOT VALID,
    ADD CONSTRAINT messages_parts_count CHECK (CASE WHEN jsonb_typeof(parts) = 'array' THEN jsonb_array_length(parts) <= 100 ELSE true END) NOT VALID,
    ADD CONSTRAINT messages_parts_valid CHECK (pgkit_valid_message_parts(parts)) NOT VALID,
    ADD CONSTRAINT messages_edit_history_valid CHECK (pgkit_valid_edit_history(edit_history)) NOT VALID,
    -- model, tokens {prompt, completion, total}, processingTime (milliseconds), temperature,
    -- error {code, message, timestamp (Unix milliseconds)}.
    ADD CONSTRAINT messages_metadata_keys
        CHECK (pgkit_json_object_of(metadata, '{model,tokens,processingTime,temperature,error}')) NOT VALID,
    ADD CONSTRAINT messages_metadata_model
        CHECK (NOT metadata ? 'model' OR (jsonb_typeof(metadata -> 'model') = 'string' AND pgkit_valid_model_id(metadata ->> 'model'))) NOT VALID,
    -- (CASE, so the sum is computed only on numbers.)
    ADD CONSTRAINT messages_metadata_tokens
        CHECK (CASE
            WHEN NOT metadata ? 'tokens' THEN true
            WHEN NOT (pgkit_json_object_of(metadata -> 'tokens', '{prompt,completion,total}', '{prompt,completion,total}')
                AND pgkit_json_number_within(metadata -> 'tokens', 'prompt', 0, 2147483647, true)
                AND pgkit_json_number_within(metadata -> 'tokens', 'completion', 0, 2147483647, true)
                AND pgkit_json_number_within(metadata -> 'tokens', 'total', 0, 2147483647, true)) THEN false
            ELSE (metadata #>> '{tokens,total}')::numeric = (metadata #>> '{tokens,prompt}')::numeric + (metadata #>> '{tokens,completion}')::numeric
        END) NOT VALID,
    ADD CONSTRAINT messages_metadata_processing_time
        CHECK (pgkit_json_number_within(metadata, 'processingTime', 0, 86400000, false)) NOT VALID,
    ADD CONSTRAINT messages_metadata_temperature
        CHECK (pgkit_json_number_within(metadata, 'temperature', 0, 2, false)) NOT VALID,
    ADD CONSTRAINT messages_metadata_error
        CHECK (NOT metadata ? 'error' OR (pgkit_json_object_of(metadata -> 'error', '{code,message,timestamp}', '{code,message,timestamp}')
            AND pgkit_json_string_within(metadata -> 'error', 'code', 1, 100)
            AND pgkit_json_string_within(metadata -> 'error', 'message', 0, 10000)
            AND pgkit_json_number_within(metadata -> 'error', 'timestamp', 0, 253402300799999, true))) NOT VALID;

-- Before a message is stored: content from parts, the thread level from the parent, the edit
-- history, and the rules that need more than the row.
CREATE FUNCTION pgkit_messages_prepare() RETURNS trigger AS $$
DECLARE
    parent record;
    edited boolean := false;
BEGIN
    -- content is the parts' text whenever there are parts (messages_parts_valid checks the
    -- parts afterwards).
    IF jsonb_typeof(NEW.parts) = 'array' THEN
        IF jsonb_array_length(NEW.parts) > 0 THEN
            NEW.content := pgkit_message_parts_text(NEW.parts);
        END IF;
    END IF;

    IF TG_OP = 'UPDATE' THEN
        -- The history is the database's: append-only, whatever the statement says.
        NEW.edit_history := OLD.edit_history;
        NEW.edited_at := OLD.edited_at;
        NEW.thread_level := OLD.thread_level;
        edited := NEW.content IS DISTINCT FROM OLD.content OR NEW.parts IS DISTINCT FROM OLD.parts;
        IF edited THEN
            NEW.edit_history := OLD.edit_history || jsonb_build_array(
                jsonb_build_object('previousContent', OLD.content, 'timestamp', floor(extract(epoch FROM now()) * 1000)::bigint)
                || CASE WHEN OLD.parts = '[]'::jsonb THEN '{}'::jsonb ELSE jsonb_build_object('previousParts', OLD.parts) END);
            NEW.edited_at := now();
        END IF;
        -- A thread is made when a reply is written: a parent can be removed (deleting it does
        -- that), not replaced, and a message of a thread stays in its session.
        IF NEW.parent_message_id IS NOT NULL AND NEW.parent_message_id IS DISTINCT FROM OLD.parent_message_id THEN
            RAISE EXCEPTION 'a message''s parent is set when the reply is written and cannot change'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'messages_parent_fixed', TABLE = 'messages', COLUMN = 'parent_message_id';
        END IF;
        IF NEW.session_id <> OLD.session_id AND (NEW.parent_message_id IS NOT NULL
            OR EXISTS (SELECT FROM messages r WHERE r.parent_message_id = OLD.id)) THEN
            RAISE EXCEPTION 'a message of a thread cannot move to another session'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'messages_parent_same_session', TABLE = 'messages', COLUMN = 'session_id';
        END IF;
    ELSIF NEW.parent_message_id IS NULL THEN
        NEW.thread_level := 0;
    ELSE
        -- Under row-level security, a parent the user cannot see is as unknown as a missing one.
        SELECT m.session_id, m.thread_level INTO parent FROM messages m WHERE m.id = NEW.parent_message_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'insert or update on table "messages" violates foreign key constraint "messages_parent_message_id_fkey"'
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'messages_parent_message_id_fkey', TABLE = 'messages',
                      DETAIL = format('Key (parent_message_id)=(%s) is not present in table "messages".', NEW.parent_message_id);
        END IF;
        IF parent.session_id <> NEW.session_id THEN
            RAISE EXCEPTION 'a reply belongs to its parent''s session'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'messages_parent_same_session', TABLE = 'messages', COLUMN = 'session_id';
        END IF;
        NEW.thread_level := parent.thread_level + 1;   -- past 10, messages_thread_level_range refuses it
    END IF;

    -- Seed 003: at least one part when content is empty (for new and changed messages; a
    -- message stored empty before this rule keeps working).
    IF NEW.content = '' AND NEW.parts = '[]'::jsonb AND (TG_OP = 'INSERT' OR edited) THEN
        RAISE EXCEPTION 'a message needs content or at least one part'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'messages_content_or_parts', TABLE = 'messages';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER messages_prepare BEFORE INSERT OR UPDATE ON messages FOR EACH ROW EXECUTE FUNCTION pgkit_messages_prepare();

-- sessions.message_count and last_message_at follow the session's messages: once per statement
-- (a COPY of thousands of messages updates each session once), through transition tables.
-- A removal first locks the sessions, then recounts last_message_at in a statement whose
-- snapshot is taken after the lock, so a concurrent insert's time is never overwritten.
CREATE FUNCTION pgkit_sessions_follow_messages() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE sessions s SET message_count = s.message_count + added.count,
                              last_message_at = greatest(s.last_message_at, added.latest)
        FROM (SELECT session_id, count(*)::int AS count, max(created_at) AS latest FROM new_messages GROUP BY session_id) added
        WHERE s.id = added.session_id;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM FROM sessions s WHERE s.id IN (SELECT session_id FROM old_messages) ORDER BY s.id FOR UPDATE;
        UPDATE sessions s SET message_count = s.message_count - removed.count,
                              last_message_at = (SELECT max(m.created_at) FROM messages m WHERE m.session_id = s.id)
        FROM (SELECT session_id, count(*)::int AS count FROM old_messages GROUP BY session_id) removed
        WHERE s.id = removed.session_id;
    ELSE
        -- Only rows that moved to another session or changed their time matter: an edit or a
        -- status change costs one join of the changed rows and nothing else.
        PERFORM FROM sessions s WHERE s.id IN (
            SELECT unnest(ARRAY[o.session_id, n.session_id]) FROM old_messages o JOIN new_messages n ON n.id = o.id
            WHERE o.session_id <> n.session_id OR o.created_at <> n.created_at) ORDER BY s.id FOR UPDATE;
        IF FOUND THEN
            UPDATE sessions s SET message_count = s.message_count + moved.delta,
                                  last_message_at = (SELECT max(m.created_at) FROM messages m WHERE m.session_id = s.id)
            FROM (SELECT session_id, sum(delta)::int AS delta FROM (
                      SELECT o.session_id, -1 AS delta FROM old_messages o JOIN new_messages n ON n.id = o.id
                      WHERE o.session_id <> n.session_id OR o.created_at <> n.created_at
                      UNION ALL
                      SELECT n.session_id, 1 FROM old_messages o JOIN new_messages n ON n.id = o.id
                      WHERE o.session_id <> n.session_id OR o.created_at <> n.created_at) changes
                  GROUP BY session_id) moved
            WHERE s.id = moved.session_id;
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER messages_follow_insert AFTER INSERT ON messages REFERENCING NEW TABLE AS new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION pgkit_sessions_follow_messages();
CREATE TRIGGER messages_follow_delete AFTER DELETE ON messages REFERENCING OLD TABLE AS old_messages
    FOR EACH STATEMENT EXECUTE FUNCTION pgkit_sessions_follow_messages();
CREATE TRIGGER messages_follow_update AFTER UPDATE ON messages REFERENCING OLD TABLE AS old_messages NEW TABLE AS new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION pgkit_sessions_follow_messages();

-- The counters as they are now, while this migration holds the tables (updated_at stays: the
-- sessions' own fields do not change).
ALTER TABLE sessions DISABLE TRIGGER sessions_updated_at;
UPDATE sessions s SET message_count = counted.count, last_message_at = counted.latest
FROM (SELECT session_id, count(*)::int AS count, max(created_at) AS latest FROM messages GROUP BY session_id) counted
WHERE s.id = counted.session_id;
ALTER TABLE sessions ENABLE TRIGGER sessions_updated_at;

-- Only the triggers above change the counters: a caller's value is replaced (a new session has
-- no messages; an update keeps the counted values).
CREATE FUNCTION pgkit_sessions_keep_counters() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.message_count := 0;
        NEW.last_message_at := NULL;
    ELSIF pg_trigger_depth() = 1 THEN
        NEW.message_count := OLD.message_count;
        NEW.last_message_at := OLD.last_message_at;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER sessions_keep_counters BEFORE INSERT OR UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION pgkit_sessions_keep_counters();

-- updated_at is the session's own fields' time: the counters' updates (made from the triggers
-- above, so at trigger depth 1) leave it alone. last_message_at says when messages changed.
DROP TRIGGER sessions_updated_at ON sessions;
CREATE TRIGGER sessions_updated_at BEFORE UPDATE ON sessions FOR EACH ROW WHEN (pg_trigger_depth() = 0)
    EXECUTE FUNCTION set_updated_at();
