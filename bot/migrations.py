"""Numbered schema migrations, applied at start up to `PRAGMA user_version`.

Append only: a released migration is never edited, a change is a new entry.
Times are stored as UTC ISO-8601 strings so they sort and compare as text.
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
)
