-- DATE, TIME and BYTES (dates.go): DDL, literals, casts, arithmetic, EXTRACT, and what they reject.

CREATE STREAM ev (d DATE, tm TIME, b BYTES, blob2 BLOB, vb VARBINARY, ts TIMESTAMP, s VARCHAR, n INT)
WITH ('path' = 'ev.jsonl');

-- Accepted forms.
SELECT d + 1 AS a, 1 + d AS b, d - 7 AS c, d - DATE '2024-01-01' AS e, d + tm AS f, d + INTERVAL '1' MONTH AS g, tm - INTERVAL '1' HOUR AS h FROM ev;
SELECT CAST(d AS VARCHAR) AS a, CAST(tm AS VARCHAR) AS c, CAST(b AS VARCHAR) AS e, CAST(s AS DATE) AS f, CAST(s AS TIME) AS g, CAST(s AS BLOB) AS h, CAST(ts AS DATE) AS i, CAST(ts AS TIME) AS j, CAST(d AS TIMESTAMP) AS k FROM ev;
SELECT EXTRACT(YEAR FROM d) AS y, EXTRACT(HOUR FROM tm) AS h, DATE_PART('epoch', tm) AS e, DATE_TRUNC('month', d) AS m, OCTET_LENGTH(b) AS o, b || blob2 AS c, CURRENT_DATE AS cd, CURRENT_TIME AS ct, TODAY() AS td FROM ev;
SELECT d FROM ev WHERE d = '2024-01-31' AND tm < '12:00' AND b <> '\x00' AND d < ts AND vb = blob2;

-- Literals are read when the script is compiled.
SELECT DATE '2024-02-30' AS x FROM ev; -- ERROR `"2024-02-30" is not a DATE; write YYYY-MM-DD`
SELECT TIME '25:00' AS x FROM ev; -- ERROR `"25:00" is not a TIME; write HH:MM:SS`
SELECT BLOB '\xZZ' AS x FROM ev; -- ERROR `is not a BLOB; write a byte other than printable ASCII as`
SELECT d FROM ev WHERE d > 'yesterday'; -- ERROR `"yesterday" is not a DATE`

-- Casts DuckDB does not have.
SELECT CAST(d AS BIGINT) AS x FROM ev; -- ERROR "cannot cast DATE to BIGINT"
SELECT CAST(n AS DATE) AS x FROM ev; -- ERROR "cannot cast INT to DATE"
SELECT CAST(tm AS DATE) AS x FROM ev; -- ERROR "cannot cast TIME to DATE"
SELECT CAST(b AS INT) AS x FROM ev; -- ERROR "cannot cast BLOB to INT"

-- Arithmetic and parts that do not apply.
SELECT d * 2 AS x FROM ev; -- ERROR `operator \* needs numbers, but got DATE and INT`
SELECT tm + 1 AS x FROM ev; -- ERROR `operator \+ needs numbers, but got TIME and INT`
SELECT tm - tm AS x FROM ev; -- ERROR "operator - needs numbers, but got TIME and TIME"
SELECT EXTRACT(YEAR FROM tm) AS x FROM ev; -- ERROR "EXTRACT of a TIME takes HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND or EPOCH, not YEAR"
SELECT DATE_PART('month', tm) AS x FROM ev; -- ERROR "DATE_PART of a TIME takes HOUR"
SELECT OCTET_LENGTH(s) AS x FROM ev; -- ERROR "OCTET_LENGTH needs a BLOB, but this is VARCHAR"
SELECT d FROM ev WHERE d = tm; -- ERROR "cannot compare DATE with TIME"
SELECT DATE_TRUNC('day', tm) AS x FROM ev; -- ERROR "DATE_TRUNC needs a TIMESTAMP or DATE, but this is TIME"
