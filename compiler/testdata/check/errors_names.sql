-- Name resolution: unknown sources, columns and functions, duplicates. Every error is reported at once.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl', 'event.time.field' = 'event_time');

SELECT symbol FROM ordrs; -- ERROR `unknown stream "ordrs": declare it with CREATE STREAM .*; did you mean "orders"\?`
SELECT symbl, quantity FROM orders; -- ERROR `unknown column "symbl" in "orders"; did you mean "symbol"\?`
SELECT o.pirce FROM orders o; -- ERROR `unknown column "pirce" in "orders"; did you mean "price"\?`
SELECT x.symbol FROM orders o; -- ERROR `unknown qualifier "x": this query reads "orders"`
SELECT symbol, symbol FROM orders; -- ERROR `output column "symbol" appears twice; give one of them an alias with AS`
SELECT symbol, side AS symbol FROM orders; -- ERROR `output column "symbol" appears twice`
SELECT frobz(quantity) AS f FROM orders; -- ERROR `unknown function "frobz"$`
SELECT SUMM(quantity) AS f FROM orders; -- ERROR `unknown function "SUMM"; did you mean "SUM"\?`
CREATE STREAM orders (a INT) WITH ('path' = 'a.jsonl'); -- ERROR `source "orders" is declared twice`
CREATE STREAM dup_cols (a INT, A BIGINT) WITH ('path' = 'a.jsonl'); -- ERROR `column "A" is declared twice`
SELECT symbol FROM orders WHERE quantity > 'ten' AND nope = 1; -- ERROR "cannot compare BIGINT with VARCHAR" ERROR `unknown column "nope"`
SELECT symbol, SUM(quantity) AS total FROM orders GROUP BY symbol HAVING totl > 1; -- ERROR `unknown column "totl" in "orders"; did you mean "total"\?`
CREATE STREAM big_orders AS SELECT symbol, quantity FROM orders WHERE quantity > 100 WITH ('big_orders.type' = 'stdout');
SELECT symbol FROM big_orders;
CREATE STREAM per_symbol AS SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WITH ('per_symbol.type' = 'stdout');
SELECT symbol FROM per_symbol; -- ERROR `"per_symbol" is written by a GROUP BY that emits changes: each row replaces an earlier row of its group, so it is a table`

-- A HAVING name that is both a grouped column and an alias of another expression is ambiguous.
SELECT UPPER(symbol) AS symbol, SUM(quantity) AS total FROM orders GROUP BY symbol HAVING symbol = 'AAPL'; -- ERROR "\"symbol\" is ambiguous: it names both a grouped column and a SELECT alias"
-- Qualified, it is the column; an alias that is the grouped column itself is not ambiguous.
SELECT UPPER(symbol) AS symbol, SUM(quantity) AS total FROM orders GROUP BY symbol HAVING orders.symbol = 'AAPL';
SELECT symbol AS symbol, SUM(quantity) AS total FROM orders GROUP BY symbol HAVING symbol = 'AAPL';
