-- The platform's three schemas:
--   platform: its own catalog and audit tables (metadata versions, runs, steps, cursors);
--   silver:   one SCD2 history table per dataset, generated from metadata;
--   gold:     business tables built from silver by gold models.
CREATE SCHEMA IF NOT EXISTS platform;
CREATE SCHEMA IF NOT EXISTS silver;
CREATE SCHEMA IF NOT EXISTS gold;
