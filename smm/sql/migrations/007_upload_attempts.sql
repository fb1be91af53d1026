-- Uploads handed to a load job of the app's server and not finished yet (owned by smm/jobs.py). A job writes a row
-- per file as it takes them, and deletes each as the file's load ends (loaded, rejected or failed: its report
-- says which). A row written by a server process that is no longer the one running is a file that server stopped
-- before loading it (restarted, killed, the machine went down): the Data page names it, to be uploaded again.
CREATE TABLE IF NOT EXISTS upload_attempts (
    attempt_id  VARCHAR PRIMARY KEY,    -- uuid4 hex
    server      VARCHAR NOT NULL,       -- the server process that took the file (smm.jobs.SERVER_ID)
    account     VARCHAR,                -- who uploaded it, with a login
    file_name   VARCHAR NOT NULL,
    size_bytes  BIGINT NOT NULL,
    position    INTEGER NOT NULL,       -- its place among the files of its upload (they load in order)
    started_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
