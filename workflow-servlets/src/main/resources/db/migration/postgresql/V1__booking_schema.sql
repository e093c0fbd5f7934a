-- Palisade booking schema, PostgreSQL dialect: the same tables, columns and indexes as the SQLite one,
-- plus row-level security per team (at the end).
--
-- Every table carries the owning team and every query of the store filters by it. Ids are unique per
-- team (UNIQUE (team, id)), and foreign keys include the team, so a row can only reference rows of its
-- own team. seq orders rows that share a timestamp (newest first / oldest first ties).
-- Instants are epoch milliseconds, dates ISO-8601 text, enums their Java names, lists JSON arrays.

CREATE TABLE clients (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team       TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    email      TEXT    NOT NULL,
    name       TEXT,
    created_at BIGINT  NOT NULL,
    UNIQUE (team, id),
    UNIQUE (team, email)
);

CREATE TABLE rooms (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team           TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    capacity       INTEGER NOT NULL CHECK (capacity > 0),
    features       TEXT    NOT NULL,
    day_rate_cents BIGINT  NOT NULL CHECK (day_rate_cents >= 0),
    UNIQUE (team, id)
);

CREATE TABLE events (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team           TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    client_id      TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    step           TEXT    NOT NULL,
    event_date     TEXT,
    date_confirmed BOOLEAN NOT NULL,
    guests         INTEGER,
    wishes         TEXT    NOT NULL,
    room_id        TEXT,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    UNIQUE (team, id),
    FOREIGN KEY (team, client_id) REFERENCES clients (team, id)
);
CREATE INDEX events_newest ON events (team, created_at, seq);
CREATE INDEX events_on_date ON events (team, event_date, status);
CREATE INDEX events_of_client ON events (team, client_id);

CREATE TABLE conversations (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team       TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    client_id  TEXT    NOT NULL,
    event_id   TEXT,
    created_at BIGINT  NOT NULL,
    UNIQUE (team, id),
    FOREIGN KEY (team, client_id) REFERENCES clients (team, id),
    FOREIGN KEY (team, event_id) REFERENCES events (team, id)
);
CREATE INDEX conversations_of_client ON conversations (team, client_id);
CREATE INDEX conversations_of_event ON conversations (team, event_id);

CREATE TABLE messages (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team            TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL,
    direction       TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    UNIQUE (team, id),
    FOREIGN KEY (team, conversation_id) REFERENCES conversations (team, id)
);
CREATE INDEX messages_of_conversation ON messages (team, conversation_id, created_at, seq);

CREATE TABLE offers (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team        TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    room_id     TEXT,
    total_cents BIGINT  NOT NULL,
    currency    TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    snapshot_id TEXT,
    created_at  BIGINT  NOT NULL,
    UNIQUE (team, id),
    FOREIGN KEY (team, event_id) REFERENCES events (team, id)
);
CREATE INDEX offers_of_event ON offers (team, event_id, created_at, seq);

CREATE TABLE deposits (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team         TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    event_id     TEXT    NOT NULL,
    amount_cents BIGINT  NOT NULL,
    currency     TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    paid_at      BIGINT,
    UNIQUE (team, id),
    FOREIGN KEY (team, event_id) REFERENCES events (team, id)
);
CREATE INDEX deposits_of_event ON deposits (team, event_id, created_at, seq);

CREATE TABLE hil_tasks (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team            TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    event_id        TEXT,
    conversation_id TEXT,
    kind            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    draft           TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    decided_at      BIGINT,
    decided_by      TEXT,
    UNIQUE (team, id),
    FOREIGN KEY (team, event_id) REFERENCES events (team, id),
    FOREIGN KEY (team, conversation_id) REFERENCES conversations (team, id)
);
CREATE INDEX hil_tasks_newest ON hil_tasks (team, created_at, seq);
CREATE INDEX hil_tasks_by_status ON hil_tasks (team, status, created_at, seq);

-- A snapshot id is a 128-bit capability, unique across teams: GET /s/{id} looks it up without a team.
CREATE TABLE snapshots (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         TEXT    NOT NULL UNIQUE,
    team       TEXT    NOT NULL,
    event_id   TEXT,
    type       TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    FOREIGN KEY (team, event_id) REFERENCES events (team, id)
);
CREATE INDEX snapshots_oldest ON snapshots (team, created_at, seq);
CREATE INDEX snapshots_of_event ON snapshots (team, event_id);
CREATE INDEX snapshots_expiry ON snapshots (expires_at);

CREATE TABLE outbox_emails (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team            TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    sent_at         BIGINT,
    UNIQUE (team, id)
);
CREATE INDEX outbox_due ON outbox_emails (status, next_attempt_at, team);
CREATE INDEX outbox_of_team ON outbox_emails (team, status, created_at, seq);

CREATE TABLE uploads (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team          TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    stored_name   TEXT    NOT NULL,
    original_name TEXT,
    media_type    TEXT    NOT NULL,
    size_bytes    BIGINT  NOT NULL CHECK (size_bytes >= 0),
    sha256        TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    UNIQUE (team, id)
);

CREATE TABLE team_config (
    team      TEXT PRIMARY KEY NOT NULL,
    hil_email TEXT
);

-- Row-level security: a second wall between teams behind the store's own team filters. A transaction sees
-- the rows of the team in its transaction-local setting palisade.team (set by the store when it begins a
-- team's transaction); only the store's lookups across teams (a snapshot by its id, the teams with due
-- email) and its maintenance (purging expired snapshots) set palisade.scope = 'all'. Writes must name the
-- transaction's team. FORCE makes the rules hold for the tables' owner too; superusers and roles with
-- BYPASSRLS are not held by them (the store warns at start when it connects as one).
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['clients', 'rooms', 'events', 'conversations', 'messages', 'offers', 'deposits',
                             'hil_tasks', 'snapshots', 'outbox_emails', 'uploads', 'team_config'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY team_rows ON %I'
                       ' USING (team = current_setting(''palisade.team'', true)'
                       ' OR current_setting(''palisade.scope'', true) = ''all'')'
                       ' WITH CHECK (team = current_setting(''palisade.team'', true))', t);
    END LOOP;
END
$$;
