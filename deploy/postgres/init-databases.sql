-- generated from services.toml by `scx manifest sync`; do not edit
-- Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d), as the superuser.
-- One database and one login role per service: a service can connect only to its own database, so
-- "a service never reads another service's database" holds in the server, not just in code review.
-- Passwords come from the container's environment (psql \getenv, PostgreSQL 15+), never from this file.

\set ON_ERROR_STOP on
\getenv subcontracts_password SUBCONTRACTS_DB_PASSWORD
\getenv referral_password REFERRAL_DB_PASSWORD
\getenv case_tracking_password CASE_TRACKING_DB_PASSWORD
\getenv audit_password AUDIT_DB_PASSWORD
\getenv claims_password CLAIMS_DB_PASSWORD

CREATE ROLE "subcontracts" LOGIN PASSWORD :'subcontracts_password';
CREATE DATABASE "subcontracts" OWNER "subcontracts";
REVOKE ALL ON DATABASE "subcontracts" FROM PUBLIC;

CREATE ROLE "referral" LOGIN PASSWORD :'referral_password';
CREATE DATABASE "referral" OWNER "referral";
REVOKE ALL ON DATABASE "referral" FROM PUBLIC;

CREATE ROLE "case_tracking" LOGIN PASSWORD :'case_tracking_password';
CREATE DATABASE "case_tracking" OWNER "case_tracking";
REVOKE ALL ON DATABASE "case_tracking" FROM PUBLIC;

CREATE ROLE "audit" LOGIN PASSWORD :'audit_password';
CREATE DATABASE "audit" OWNER "audit";
REVOKE ALL ON DATABASE "audit" FROM PUBLIC;

CREATE ROLE "claims" LOGIN PASSWORD :'claims_password';
CREATE DATABASE "claims" OWNER "claims";
REVOKE ALL ON DATABASE "claims" FROM PUBLIC;
