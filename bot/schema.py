"""The app's schema: numbered migrations, applied at start up to `PRAGMA user_version`.

Append only: a released migration is never edited, a change is a new entry. Times are
stored as UTC ISO-8601 strings so they sort and compare as text. It sits beside
`bot/app.py`, not in `bot/database/`, because it names every feature's tables:
`user_version` numbers one sequence, so released scripts cannot be split by feature.
"""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE users (
        user_id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        first_name TEXT NOT NULL DEFAULT '',
        language TEXT,                      -- chosen with /language; NULL follows Telegram
        telegram_language TEXT,
        timezone TEXT,                      -- NULL means the language's default zone
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        last_message_id INTEGER NOT NULL DEFAULT 0  -- the last typed message taken
    );
    CREATE TABLE dialogs (                  -- one per user and flow: each has its own card
        user_id INTEGER NOT NULL REFERENCES users(user_id),
        flow TEXT NOT NULL,
        node TEXT NOT NULL,
        revision INTEGER NOT NULL,
        call_no INTEGER NOT NULL,
        status TEXT NOT NULL,
        state_json TEXT NOT NULL,           -- values, history, flare-ups
        message_id INTEGER,                 -- the card on the user's screen
        shown_revision INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (user_id, flow)
    );
    CREATE TABLE calls (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users(user_id),
        call_no INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        ended_at TEXT,
        complaint TEXT,
        promise TEXT,
        fault TEXT,
        remind TEXT,
        due_at TEXT,                        -- UTC
        timezone TEXT NOT NULL,
        flareups INTEGER NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL,              -- active, done, unfinished, rude_exit
        UNIQUE (user_id, call_no)
    );
    CREATE INDEX calls_due ON calls (due_at) WHERE due_at IS NOT NULL;
    CREATE TABLE tip_history (              -- shared by /tip and the daily tips
        user_id INTEGER NOT NULL REFERENCES users(user_id),
        tip_id TEXT NOT NULL,
        cycle INTEGER NOT NULL,             -- a cycle ends when the whole catalog was seen
        shown_at TEXT NOT NULL,
        channel TEXT NOT NULL,              -- tip (asked for) or daily
        PRIMARY KEY (user_id, cycle, tip_id)
    );
    """,
    """
    ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;  -- 0: blocked or kicked us
    CREATE TABLE subscriptions (            -- the daily tip
        user_id INTEGER PRIMARY KEY REFERENCES users(user_id),
        enabled INTEGER NOT NULL DEFAULT 0,
        local_time TEXT NOT NULL DEFAULT '09:00',
        paused_until TEXT,                  -- local date: no tips before it
        updated_at TEXT NOT NULL
    );
    CREATE TABLE deliveries (               -- claimed before sent: never twice
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users(user_id),
        kind TEXT NOT NULL,                 -- tip or followup
        key TEXT NOT NULL,                  -- the local date of a tip, the id of a reminder
        claimed_at TEXT NOT NULL,
        status TEXT NOT NULL,               -- claimed, sent, failed, uncertain, skipped
        detail TEXT,
        message_id INTEGER,
        UNIQUE (user_id, kind, key)
    );
    CREATE INDEX deliveries_by_key ON deliveries (kind, key);
    CREATE TABLE reminders (                -- follow-ups of promises made in a call
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users(user_id),
        call_id INTEGER NOT NULL REFERENCES calls(id),
        due_at TEXT NOT NULL,               -- UTC
        status TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, done, snoozed, feedback
        note TEXT,
        created_at TEXT NOT NULL,
        answered_at TEXT
    );
    CREATE INDEX reminders_due ON reminders (status, due_at);
    CREATE TABLE tip_feedback (
        user_id INTEGER NOT NULL REFERENCES users(user_id),
        tip_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        useful INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (user_id, tip_id)
    );
    ALTER TABLE users ADD COLUMN daily_offered INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN follow_up TEXT;        -- done or feedback, from the reminder
    ALTER TABLE calls ADD COLUMN follow_up_note TEXT;   -- what the client said, if typed
    """,
    """
    -- the idle sweep and the due checks look only at running dialogs and fresh claims
    CREATE INDEX dialogs_running ON dialogs (flow, updated_at) WHERE status = 'active';
    CREATE INDEX deliveries_claimed ON deliveries (claimed_at);
    CREATE INDEX reminders_of_call ON reminders (call_id);
    """,
    """
    -- the daily tip's next moment (UTC), so the tick asks the index what is due instead of
    -- computing every subscriber in Python; NULL means "compute it" (new, or the zone or
    -- language changed, which the trigger below notices)
    ALTER TABLE subscriptions ADD COLUMN next_due_at TEXT;
    CREATE INDEX subscriptions_due ON subscriptions (next_due_at) WHERE enabled = 1;
    CREATE TRIGGER subscriptions_follow_the_zone AFTER UPDATE OF language, timezone ON users
    BEGIN
        UPDATE subscriptions SET next_due_at = NULL WHERE user_id = NEW.user_id;
    END;
    """,
    """
    -- after the summary: what caused the conflict (003's causes, or our mistake) and the
    -- one-line lesson the person drew; a reminder's kind is read from `calls.remind`
    ALTER TABLE calls ADD COLUMN cause TEXT;
    ALTER TABLE calls ADD COLUMN lesson TEXT;
    """,
    """
    -- who the client was (an optional label the person gives after a call), and the one
    -- label prompt a person may have open (what they type next is the label)
    ALTER TABLE calls ADD COLUMN client_label TEXT;
    CREATE INDEX calls_by_label ON calls (user_id, client_label) WHERE client_label IS NOT NULL;
    CREATE TABLE label_prompts (
        user_id INTEGER PRIMARY KEY REFERENCES users(user_id),
        call_id INTEGER NOT NULL REFERENCES calls(id),
        asked_at TEXT NOT NULL
    );
    """,
    """
    -- practice (/practice): one row per finished attempt, the person's own record (found by
    -- user_id for the journal, /export and /forget); the best score is MAX(total)
    CREATE TABLE practice_results (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users(user_id),
        scenario TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        listen INTEGER NOT NULL,            -- 1 when the stage's first reply was good
        restate INTEGER NOT NULL,
        apologize INTEGER NOT NULL,         -- an apology or sympathy, as the scenario asks
        resolve INTEGER NOT NULL,
        follow_up INTEGER NOT NULL,
        total INTEGER NOT NULL              -- out of 100
    );
    CREATE INDEX practice_results_by_user ON practice_results (user_id, scenario);
    -- when the daily tip last offered a practice (at most once a week)
    CREATE TABLE practice_offers (
        user_id INTEGER PRIMARY KEY REFERENCES users(user_id),
        offered_at TEXT NOT NULL
    );
    """,
    """
    -- which of a person's dialogs they touched last, even within one second (a press that
    -- hands over to another flow touches two): typed text goes to that one; existing rows
    -- are numbered in the order the old `updated_at, rowid` gave
    ALTER TABLE dialogs ADD COLUMN touched INTEGER NOT NULL DEFAULT 0;
    UPDATE dialogs SET touched = (
        SELECT COUNT(*) FROM dialogs AS d WHERE d.user_id = dialogs.user_id
            AND (d.updated_at < dialogs.updated_at
                 OR (d.updated_at = dialogs.updated_at AND d.rowid <= dialogs.rowid))
    );
    """,
    """
    -- the next tip is worked out again only when the zone may have changed (a language
    -- change picks the zone only where none was chosen), and from the moment of the change
    -- (stamped as last seen): a chosen minute that had passed then is tomorrow's, not
    -- caught up at once
    DROP TRIGGER subscriptions_follow_the_zone;
    CREATE TRIGGER subscriptions_follow_the_zone AFTER UPDATE OF language, timezone ON users
    WHEN NEW.timezone IS NOT OLD.timezone
        OR (NEW.timezone IS NULL AND NEW.language IS NOT OLD.language)
    BEGIN
        UPDATE subscriptions SET next_due_at = NULL, updated_at = NEW.last_seen_at
        WHERE user_id = NEW.user_id;
    END;
    """,
    """
    -- whether a person's zone moved is decided in Python (`People`), which knows every way
    -- it moves (a chosen zone, a chosen language, Telegram's language) and that a language
    -- change to the same effective language moves nothing; the trigger saw neither
    DROP TRIGGER subscriptions_follow_the_zone;
    """,
    """
    -- a dialog's run counter is any flow's, not only the call's (`calls.call_no` keeps its
    -- name: it is the call's own number, which equals the call dialog's run)
    ALTER TABLE dialogs RENAME COLUMN call_no TO run;
    """,
    """
    -- a person's reminders by person: /export, /forget and the journal's follow-up look
    -- them up by user_id, which no index led with (every other personal table's key does)
    CREATE INDEX reminders_by_user ON reminders (user_id, status);
    """,
    """
    -- the daily tip's one-time offer is the daily feature's, in its own table rather than a
    -- flag on the person's row, so each table has one module that writes it
    CREATE TABLE daily_offers (
        user_id INTEGER PRIMARY KEY REFERENCES users(user_id),
        offered_at TEXT NOT NULL
    );
    INSERT INTO daily_offers (user_id, offered_at)
        SELECT user_id, last_seen_at FROM users WHERE daily_offered = 1;
    ALTER TABLE users DROP COLUMN daily_offered;
    """,
    """
    -- a private chat's id is its person's id; a chat stored otherwise came from an update
    -- forged through the webhook, and would send that person's reminders to the forger
    UPDATE users SET chat_id = user_id WHERE chat_id <> user_id;
    """,
    """
    -- the daily tip on working days only (Monday to Friday in the person's zone), or every day
    ALTER TABLE subscriptions ADD COLUMN workdays INTEGER NOT NULL DEFAULT 0;
    """,
)
