-- Palisade booking schema, SQLite dialect.
--
-- Every table carries the owning team and every query of the store filters by it. Ids are unique per
-- team (UNIQUE (team, id)), and foreign keys include the team, so a row can only reference rows of its
-- own team. seq orders rows that share a timestamp (newest first / oldest first ties).
-- Instants are epoch milliseconds, dates ISO-8601 text, enums their Java names, lists JSON arrays.

CREATE TABLE clients (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    team       TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    email      TEXT    NOT NULL,
    name       TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (team, id),
    UNIQUE (team, email)
);

CREATE TABLE rooms (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    team           TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    capacity       INTEGER NOT NULL CHECK (capacity > 0),
    features       TEXT    NOT NULL,
    day_rate_cents INTEGER NOT NULL CHECK (day_rate_cents >= 0),
    UNIQUE (team, id)
);

CREATE TABLE events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    team           TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    client_id      TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    step           TEXT    NOT NULL,
    event_date     TEXT,
    date_confirmed INTEGER NOT NULL CHECK (date_confirmed IN (0, 1)),
    guests         INTEGER,
    wishes         TEXT    NOT NULL,
    room_id        TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (team, id),
    FOREIGN KEY (team, client_id) REFERENCES clients (team, id)
);
CREATE INDEX events_newest ON events (team, created_at, seq);
CREATE INDEX events_on_date ON events (team, event_date, status);
CREATE INDEX events_of_client ON events (team, client_id);

CREATE TABLE conversations (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    team       TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    client_id  TEXT    NOT NULL,
    event_id   TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (team, id),
    FOREIGN KEY (team, client_id) REFERENCES clients (team, id),
    FOREIGN KEY (team, event_id) REFERENCES events (team, id)
);
CREATE INDEX conversations_of_client ON conversations (team, client_id);
CREATE INDEX conversations_of_event ON conversations (team, event_id);

CREATE TABLE messages (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    team            TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL,
    direction       TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (team, id),
    FOREIGN KEY (team, conversation_id) REFERENCES conversations (team, id)
);
CREATE INDEX messages_of_conversation ON messages (team, conversation_id, created_at, seq);

CREATE TABLE offers (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    team        TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    room_id     TEXT,
    total_cents INTEGER NOT NULL,
    currency    TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    snapshot_id TEXT,
    created_at  INTEGER NOT NULL,
    UNIQUE (team, id),
    FOREIGN KEY (team, event_id) REFERENCES events (team, id)
);
CREATE INDEX offers_of_event ON offers (team, event_id, created_at, seq);

CREATE TABLE deposits (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    team         TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    event_id     TEXT    NOT NULL,
    amount_cents INTEGER NOT NULL,
    currency     TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    paid_at      INTEGER,
    UNIQUE (team, id),
    FOREIGN KEY (team, event_id) REFERENCES events (team, id)
);
CREATE INDEX deposits_of_event ON deposits (team, event_id, created_at, seq);

CREATE TABLE hil_tasks (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    team            TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    event_id        TEXT,
    conversation_id TEXT,
    kind            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    draft           TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    decided_at      INTEGER,
    decided_by      TEXT,
    UNIQUE (team, id),
    FOREIGN KEY (team, event_id) REFERENCES events (team, id),
    FOREIGN KEY (team, conversation_id) REFERENCES conversations (team, id)
);
CREATE INDEX hil_tasks_newest ON hil_tasks (team, created_at, seq);
CREATE INDEX hil_tasks_by_status ON hil_tasks (team, status, created_at, seq);

-- A snapshot id is a 128-bit capability, unique across teams: GET /s/{id} looks it up without a team.
CREATE TABLE snapshots (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE,
    team       TEXT    NOT NULL,
    event_id   TEXT,
    type       TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    FOREIGN KEY (team, event_id) REFERENCES events (team, id)
);
CREATE INDEX snapshots_oldest ON snapshots (team, created_at, seq);
CREATE INDEX snapshots_of_event ON snapshots (team, event_id);
CREATE INDEX snapshots_expiry ON snapshots (expires_at);

CREATE TABLE outbox_emails (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    team            TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    UNIQUE (team, id)
);
CREATE INDEX outbox_due ON outbox_emails (status, next_attempt_at, team);
CREATE INDEX outbox_of_team ON outbox_emails (team, status, created_at, seq);

CREATE TABLE uploads (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    team          TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    stored_name   TEXT    NOT NULL,
    original_name TEXT,
    media_type    TEXT    NOT NULL,
    size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (team, id)
);

CREATE TABLE team_config (
    team      TEXT PRIMARY KEY NOT NULL,
    hil_email TEXT
);
