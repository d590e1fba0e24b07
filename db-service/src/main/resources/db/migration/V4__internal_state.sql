-- Troupe's own state leaves the documents table: actor state and chat messages get tables of their
-- own, which no document route, batch, job, change row or change event reaches (issue 15). Earlier
-- builds kept them as documents: actor state in collections actor-<type> (id: the actor's key), chat
-- messages in chat-messages (id: <room>~<seq>). Those rows are moved here, and their documents and
-- change rows deleted; the collection names stay reserved (DocKey), so no client can write them again.
-- No change rows and no events for these tables: their one writer is the actor that owns the state.

-- One row per actor; version counts its writes, and a write names the version it replaces.
CREATE TABLE troupe_actor_state (
    actor_type VARCHAR(64)              NOT NULL,
    actor_key  VARCHAR(128)             NOT NULL,
    version    BIGINT                   NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    data       TEXT                     NOT NULL,
    CONSTRAINT pk_troupe_actor_state PRIMARY KEY (actor_type, actor_key)
);

-- Every message of every room, under its number; data is the message as JSON text
-- ({"room","seq","from","text","at"}).
CREATE TABLE troupe_chat_messages (
    room VARCHAR(128) NOT NULL,
    seq  BIGINT       NOT NULL,
    data TEXT         NOT NULL,
    CONSTRAINT pk_troupe_chat_messages PRIMARY KEY (room, seq)
);

-- Live state documents only: a tombstone held no state (the actor starts afresh, at version 1).
INSERT INTO troupe_actor_state (actor_type, actor_key, version, updated_at, data)
SELECT SUBSTRING(collection FROM 7), id, version, updated_at, data
FROM troupe_documents
WHERE collection LIKE 'actor-%' AND deleted = FALSE AND data IS NOT NULL;

-- A room name may hold '~' itself: the number is what follows the last '~'. Only ids of that shape
-- are messages (the same functions, with the same meaning, exist on H2 and PostgreSQL), with the
-- number as earlier builds wrote it: from 1, no leading zero. Any client could write this collection
-- then, and 'lounge~01' would otherwise collide with 'lounge~1' on the new primary key.
INSERT INTO troupe_chat_messages (room, seq, data)
SELECT REGEXP_REPLACE(id, '~[0-9]+$', ''), CAST(REGEXP_REPLACE(id, '^.*~', '') AS BIGINT), data
FROM troupe_documents
WHERE collection = 'chat-messages' AND deleted = FALSE AND data IS NOT NULL
  AND REGEXP_REPLACE(id, '^.+~[1-9][0-9]{0,17}$', '') = '';

DELETE FROM troupe_changes WHERE collection = 'chat-messages' OR collection LIKE 'actor-%';
DELETE FROM troupe_documents WHERE collection = 'chat-messages' OR collection LIKE 'actor-%';
