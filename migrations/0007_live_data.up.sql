-- Live data (issue #16): the publication PGKit's change feed reads (`Database.live`,
-- `db.observe`), and the replica identities its subscriptions need.
--
-- Logical replication bypasses row-level security, so PGKit filters each change by its owner
-- itself: a session's user_id, a message's session_id, a memory's user_id. By default a delete
-- carries only the primary key, and an update the new row only, so the owner of a deleted row
-- (and the one a row had before an update moved it) would be unknown. REPLICA IDENTITY FULL
-- logs the whole old row with every update and delete of these three tables: the owner is
-- known, a row that moves to another owner is seen leaving, and large values an update leaves
-- alone (TOASTed content, embeddings) come from the old row, so every change decodes into a
-- complete model. The cost is WAL: an update or delete writes the old row too (inserts, most
-- of a chat's writes, cost nothing more). An index identity on (id, session_id) would log less
-- but adds an index to maintain on every insert, and cannot hold sessions.user_id (nullable).
--
-- The other chat tables are published too, with the default identity, so that a live query
-- (`db.observe`) reading them re-runs when they change.
--
-- Creating a publication for named tables takes their ownership (the migration owner has it);
-- reading it takes a role with REPLICATION (see the README's "Real time"). Each ALTER is a
-- catalog change under a brief ACCESS EXCLUSIVE lock; nothing is rewritten.

CREATE PUBLICATION pgkit_chat_changes FOR TABLE users, sessions, messages, character_files, memories, specializations;

ALTER TABLE sessions REPLICA IDENTITY FULL;
ALTER TABLE messages REPLICA IDENTITY FULL;
ALTER TABLE memories REPLICA IDENTITY FULL;
