-- Stream–table joins: what compiles, and each mistake's message.

CREATE STREAM orders (id BIGINT, symbol VARCHAR, trader VARCHAR, qty BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl', 'event.time.field' = 'event_time');
CREATE STREAM quotes (symbol VARCHAR, bid DOUBLE) WITH ('path' = 'quotes.jsonl');
CREATE TABLE instruments (symbol VARCHAR PRIMARY KEY, sector VARCHAR, tick DECIMAL(10,4)) WITH ('path' = 'instruments.csv');
CREATE TABLE positions (trader VARCHAR, symbol VARCHAR, net BIGINT, PRIMARY KEY (trader, symbol)) WITH ('path' = 'positions.jsonl');
CREATE TABLE limits (id INT PRIMARY KEY, max_qty BIGINT) WITH ('path' = 'limits.jsonl');

SELECT o.id, i.sector FROM orders o LEFT JOIN instruments i ON o.symbol = i.symbol;
SELECT o.*, i.sector, p.net FROM orders AS o JOIN instruments AS i ON i.symbol = o.symbol LEFT OUTER JOIN positions p ON p.trader = o.trader AND p.symbol = i.symbol AND p.net > 0;
SELECT orders.id FROM orders JOIN limits ON true WHERE qty > max_qty;
SELECT i.sector, COUNT(*) AS n FROM orders o INNER JOIN instruments i ON o.symbol = i.symbol GROUP BY i.sector WINDOW TUMBLING(event_time, INTERVAL '1' MINUTE);
SELECT o.id FROM orders o LEFT JOIN instruments i ON o.symbol = i.symbol WITH ('instruments.join.missing' = 'defaults', 'instruments.join.default.sector' = 'none', 'instruments.join.default.tick' = '0.01');
SELECT o.id, p.net FROM orders o JOIN positions p ON p.symbol = o.symbol; -- WARNING `ON does not fix the whole primary key of "positions" \(trader, symbol\)`

SELECT symbol FROM orders o JOIN instruments i ON o.symbol = i.symbol; -- ERROR `column "symbol" is ambiguous: both "orders" \(o\) and "instruments" \(i\) have it; qualify it \(o.symbol\)`
SELECT x.id FROM orders o JOIN instruments i ON o.symbol = i.symbol; -- ERROR `unknown qualifier "x": this query reads "orders" \(o\), "instruments" \(i\)`
SELECT o.id FROM orders o JOIN nope n ON o.symbol = n.symbol; -- ERROR `unknown table "nope": declare it with CREATE TABLE nope`
SELECT o.id FROM orders o JOIN quotes q ON o.symbol = q.symbol; -- ERROR `a join of two streams matches rows by event time, and "quotes" has none: set its 'event.time.field'`
SELECT o.id FROM orders o JOIN instruments i; -- ERROR `JOIN instruments needs ON`
SELECT o.id FROM orders o JOIN instruments i ON o.symbol = i.symbol JOIN limits l ON l.id = p.x; -- ERROR `unknown qualifier "p"`
SELECT o.id FROM orders o JOIN instruments i ON i.sector = l.max_qty JOIN limits l ON true; -- ERROR `unknown qualifier "l"`
SELECT o.id FROM orders o JOIN instruments i ON o.symbol = i.symbol WITH ('instruments.join.missing' = 'sometimes'); -- ERROR `unknown instruments.join.missing "sometimes"; expected one of: nulls, skip, defaults, fail`
SELECT o.id FROM orders o LEFT JOIN instruments i ON o.symbol = i.symbol WITH ('instruments.join.missing' = 'defaults', 'instruments.join.default.tick' = 'cheap'); -- ERROR `instruments.join.default.tick: "cheap" is not a DECIMAL\(10,4\) value for column "tick": not a decimal number`
SELECT o.id FROM orders o LEFT JOIN instruments i ON o.symbol = i.symbol WITH ('instruments.join.missing' = 'defaults', 'instruments.join.default.sectr' = 'x'); -- ERROR `instruments.join.default.sectr: "sectr" is not a column of table "instruments"`
SELECT o.id FROM orders o LEFT JOIN instruments i ON o.symbol = i.symbol WITH ('instruments.join.default.sector' = 'x'); -- ERROR `defaults apply only with 'join.missing' = 'defaults'`
SELECT o.id, ROW_NUMBER() OVER (PARTITION BY i.sector ORDER BY o.event_time) AS rn FROM orders o JOIN instruments i ON o.symbol = i.symbol; -- ERROR `window functions \(OVER\) over a join are not supported yet`
SELECT o.id FROM orders o RIGHT JOIN instruments i ON o.symbol = i.symbol; -- ERROR `RIGHT JOIN of a table is not supported`
SELECT o.id FROM orders o JOIN instruments i ON SUM(o.qty) > 1; -- ERROR `aggregate functions are not allowed in ON`

-- Subqueries over tables.
SELECT id, symbol IN (SELECT symbol FROM instruments WHERE tick > 0.01) AS listed FROM orders WHERE NOT EXISTS (SELECT 1 FROM positions p WHERE p.trader = orders.trader AND p.net < 0);
SELECT id, (SELECT sector FROM instruments i WHERE i.symbol = o.symbol) AS sector FROM orders o WHERE o.symbol NOT IN (SELECT symbol FROM instruments);
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol HAVING COUNT(*) > (SELECT max_qty FROM limits WHERE id = 1);
SELECT id, (SELECT net FROM positions p WHERE p.symbol = o.symbol) AS net FROM orders o; -- ERROR `this scalar subquery may find several rows of "positions": its WHERE does not fix the primary key column\(s\) trader; add trader = <value> to WHERE`
SELECT id FROM orders WHERE symbol IN (SELECT symbol FROM quotes); -- ERROR `IN over the stream "quotes": a stream never ends`
SELECT id, (SELECT MAX(tick) FROM instruments) AS t, (SELECT COUNT(*) FROM positions WHERE net > 0) AS n FROM orders;
SELECT id, (SELECT SUM(tick) FROM instruments) AS t FROM orders; -- ERROR `a subquery's aggregate must be the whole SELECT item, one of COUNT, MIN and MAX`
SELECT id FROM orders WHERE symbol IN (SELECT symbol, sector FROM instruments); -- ERROR `IN selects exactly one column`
SELECT id FROM orders WHERE EXISTS (SELECT 1 FROM nope); -- ERROR `unknown table "nope" in EXISTS`
SELECT id FROM orders WHERE qty IN (SELECT sector FROM instruments); -- ERROR `cannot compare|mismatch|=`
CREATE TABLE slow (k VARCHAR PRIMARY KEY) WITH ('path' = 'ref/slow*.csv', 'wait.timeout' = '10m', 'file.wait.timeout' = '1m', 'file.retry.interval' = '2s');
CREATE TABLE bad (k VARCHAR PRIMARY KEY) WITH ('path' = 'bad.csv', 'wait.timeout' = 'soon'); -- ERROR `wait.timeout must be a positive duration such as 30s or 5m, got "soon"`
CREATE STREAM notatable (k VARCHAR) WITH ('path' = 's.csv', 'wait.timeout' = '1m'); -- WARNING `unknown property "wait.timeout" for source "notatable" is ignored`

-- Event-time joins.
CREATE TABLE rates (cur VARCHAR PRIMARY KEY, rate DECIMAL(12,6), ts TIMESTAMP) WITH ('path' = 'rates.jsonl', 'event.time.field' = 'ts');
SELECT o.id, r.rate FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.event_time AS r ON o.symbol = r.cur;
SELECT o.id, r.rate, l.rate AS now_rate FROM orders o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.event_time r ON r.cur = o.symbol AND r.rate > 0 LEFT JOIN rates l ON l.cur = o.symbol;
SELECT o.id FROM orders o JOIN instruments FOR SYSTEM_TIME AS OF o.event_time AS i ON o.symbol = i.symbol; -- ERROR `FOR SYSTEM_TIME AS OF needs the versions of "instruments" in event time: give the table an 'event.time.field'`
SELECT o.id FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.qty AS r ON o.symbol = r.cur; -- ERROR `FOR SYSTEM_TIME AS OF needs a TIMESTAMP, but this is BIGINT`
SELECT o.id FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.event_time AS r ON r.rate > 1; -- ERROR `ON must fix the whole primary key of "rates"` WARNING `ON does not fix the whole primary key`

-- Holding records until their key comes.
SELECT o.id, i.sector FROM orders o LEFT JOIN instruments i ON o.symbol = i.symbol WITH ('instruments.join.missing' = 'retry', 'instruments.join.retry.timeout' = '10s', 'instruments.join.retry.then' = 'defaults', 'instruments.join.default.sector' = '?');
SELECT o.id FROM orders o JOIN instruments i ON o.symbol = i.symbol JOIN positions p ON p.trader = o.trader AND p.symbol = o.symbol WITH ('positions.join.missing' = 'retry'); -- ERROR `'positions.join.missing' = 'retry' works on the first join of a query`
SELECT o.id FROM orders o JOIN instruments i ON o.symbol = i.symbol WITH ('instruments.join.retry.timeout' = '5s'); -- ERROR `instruments.join.retry.timeout is given but 'instruments.join.missing' is "skip": it applies only with 'retry'`
SELECT o.id FROM orders o JOIN instruments i ON o.symbol = i.symbol WITH ('instruments.join.missing' = 'retry', 'instruments.join.retry.then' = 'later'); -- ERROR `unknown instruments.join.retry.then "later"`
SELECT COUNT(*) AS n FROM orders o JOIN instruments i ON o.symbol = i.symbol WINDOW TUMBLING(event_time, INTERVAL '1' MINUTE) WITH ('instruments.join.missing' = 'retry'); -- ERROR `'join.missing' = 'retry' in a windowed query is not supported yet`

-- A table declared in the query's WITH, Velostream's way: its config file gives the schema and the primary key.
SELECT o.id, r.sector FROM orders o LEFT JOIN instrument_reference r ON r.symbol = o.symbol WITH ('instrument_reference.config_file' = 'instrument_table.yaml', 'instrument_reference.join.missing' = 'defaults', 'instrument_reference.join.default.sector' = '?');
SELECT o.id, f.max_qty FROM orders o LEFT JOIN firm_limits f ON true WITH ('firm_limits.type' = 'file_source', 'firm_limits.path' = 'firm.csv', 'firm_limits.config_file' = 'instrument_table.yaml', 'firm_limits.primary_key' = 'nope'); -- ERROR `primary key "nope" is not a column of table "firm_limits"` ERROR `unknown column "max_qty"`
