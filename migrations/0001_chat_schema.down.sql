DROP TABLE IF EXISTS specializations, memories, character_files, messages, sessions, users;
DROP FUNCTION IF EXISTS set_updated_at();
DROP FUNCTION IF EXISTS uuid_generate_v7();
