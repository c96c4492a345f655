-- Accounts for the password grant and service clients for client credentials (bcrypt hashes).
-- When PostgreSQL is configured these are looked up first; conf/config.json holds development ones.

CREATE TABLE auth_accounts (
  username        text        PRIMARY KEY,
  password_bcrypt text        NOT NULL,
  tenant          text        NOT NULL,
  scope           text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  disabled_at     timestamptz
);

CREATE TABLE auth_clients (
  client_id     text        PRIMARY KEY,
  secret_bcrypt text        NOT NULL,
  tenant        text        NOT NULL,
  scope         text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  disabled_at   timestamptz
);
