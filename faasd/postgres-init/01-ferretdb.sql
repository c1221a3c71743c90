-- Runs once, when the postgres service starts on an empty data folder.
-- FerretDB stores the bronze documents in this database (one schema per MongoDB database).
CREATE DATABASE ferretdb OWNER dataplatform;
