-- The further aggregates: their argument rules and constants, WITHIN GROUP, and the forms that are accepted.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), px DOUBLE, ok BOOLEAN, event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl');

-- Quantile fractions are constants in [-1, 1] (PERCENTILE_*: [0, 1]).
SELECT symbol, QUANTILE_CONT(price, quantity) AS q FROM orders GROUP BY symbol; -- ERROR "QUANTILE_CONT's fraction must be a constant"
SELECT symbol, QUANTILE_DISC(price, 1.5) AS q FROM orders GROUP BY symbol; -- ERROR "QUANTILE_DISC's fraction must lie between -1 and 1"
SELECT symbol, QUANTILE(price, NULL) AS q FROM orders GROUP BY symbol; -- ERROR "QUANTILE's fraction must not be NULL"
SELECT symbol, QUANTILE_CONT(price, 'half') AS q FROM orders GROUP BY symbol; -- ERROR "QUANTILE_CONT's fraction must be a number, but this is VARCHAR"
SELECT symbol, PERCENTILE_CONT(-0.5) WITHIN GROUP (ORDER BY price) AS q FROM orders GROUP BY symbol; -- ERROR "PERCENTILE_CONT's fraction must lie between 0 and 1"
SELECT symbol, QUANTILE_CONT(side, 0.5) AS q FROM orders GROUP BY symbol; -- ERROR `QUANTILE_CONT needs a number or a TIMESTAMP, but "side" is VARCHAR; QUANTILE_DISC takes any type`
SELECT symbol, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ok) AS q FROM orders GROUP BY symbol; -- ERROR `PERCENTILE_CONT needs a number or a TIMESTAMP, but "ok" is BOOLEAN; PERCENTILE_DISC takes any type`
SELECT symbol, QUANTILE_CONT(price) AS q FROM orders GROUP BY symbol; -- ERROR "QUANTILE_CONT takes two arguments, got 1"
SELECT symbol, MEDIAN(price, 0.5) AS q FROM orders GROUP BY symbol; -- ERROR "MEDIAN takes one argument, got 2"

-- WITHIN GROUP: only for PERCENTILE_*, which need it, with one ORDER BY expression.
SELECT symbol, PERCENTILE_DISC(0.5) AS q FROM orders GROUP BY symbol; -- ERROR `PERCENTILE_DISC needs WITHIN GROUP \(ORDER BY x\)`
SELECT symbol, MEDIAN(price) WITHIN GROUP (ORDER BY price) AS q FROM orders GROUP BY symbol; -- ERROR "WITHIN GROUP .* is only for PERCENTILE_CONT and PERCENTILE_DISC"
SELECT symbol, PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY price, quantity) AS q FROM orders GROUP BY symbol; -- ERROR "PERCENTILE_DISC's WITHIN GROUP takes one ORDER BY expression, got 2"
SELECT symbol, PERCENTILE_DISC(0.5, 0.7) WITHIN GROUP (ORDER BY price) AS q FROM orders GROUP BY symbol; -- ERROR "PERCENTILE_DISC takes one argument, got 2"
SELECT symbol, PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY SUM(price)) AS q FROM orders GROUP BY symbol; -- ERROR "aggregate SUM cannot be nested inside another aggregate"
SELECT symbol, UPPER(side) WITHIN GROUP (ORDER BY price) AS q FROM orders; -- ERROR "WITHIN GROUP .* is only for PERCENTILE_CONT and PERCENTILE_DISC"

-- STRING_AGG's separator is a string constant.
SELECT symbol, STRING_AGG(side, symbol) AS s FROM orders GROUP BY symbol; -- ERROR "STRING_AGG's separator must be a string constant"
SELECT symbol, GROUP_CONCAT(side, NULL) AS s FROM orders GROUP BY symbol; -- ERROR "GROUP_CONCAT's separator must be a string constant"
SELECT symbol, LISTAGG(side, ',', '-') AS s FROM orders GROUP BY symbol; -- ERROR "LISTAGG takes one or two arguments, got 3"

-- Two-argument aggregates.
SELECT symbol, CORR(px) AS c FROM orders GROUP BY symbol; -- ERROR "CORR takes two arguments, got 1"
SELECT symbol, COVAR_POP(px, side) AS c FROM orders GROUP BY symbol; -- ERROR `COVAR_POP needs numeric arguments, but "side" is VARCHAR`
SELECT symbol, REGR_SLOPE(DISTINCT px, price) AS c FROM orders GROUP BY symbol; -- ERROR `REGR_SLOPE\(DISTINCT ...\) is not supported`
SELECT symbol, ARG_MIN(side, ok) AS a FROM orders GROUP BY symbol; -- ERROR "ARG_MIN by a BOOLEAN is not supported"
SELECT symbol, MAX_BY(side) AS a FROM orders GROUP BY symbol; -- ERROR "MAX_BY takes two arguments, got 1"

-- Booleans, COUNT_DISTINCT, by-offset.
SELECT symbol, BOOL_AND(quantity) AS b FROM orders GROUP BY symbol; -- ERROR `BOOL_AND needs a BOOLEAN argument, but "quantity" is BIGINT`
SELECT symbol, COUNT_DISTINCT(*) AS n FROM orders GROUP BY symbol; -- ERROR `COUNT_DISTINCT\(\*\) is not allowed`
SELECT symbol, EARLIEST_BY_OFFSET(side, quantity > 0) AS e FROM orders GROUP BY symbol; -- ERROR "EARLIEST_BY_OFFSET's second argument .* must be TRUE or FALSE"
SELECT symbol, LATEST_BY_OFFSET(DISTINCT side) AS e FROM orders GROUP BY symbol; -- ERROR `LATEST_BY_OFFSET\(DISTINCT ...\) is not supported`
SELECT symbol FROM orders WHERE MEDIAN(price) > 1; -- ERROR "aggregate MEDIAN is not allowed here"

-- Accepted.
SELECT symbol, MEDIAN(price) AS m, MEDIAN(side) AS ms, MEDIAN(event_time) AS mt, QUANTILE_CONT(quantity, -0.25) AS q1,
  QUANTILE_DISC(px, 1e-1) AS q2, QUANTILE(side, 1) AS q3, PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY price DESC) AS p1,
  PERCENTILE_DISC(0) WITHIN GROUP (ORDER BY ok) AS p2, APPROX_COUNT_DISTINCT(side) AS a, STRING_AGG(quantity) AS s1,
  LISTAGG(DISTINCT side, '') AS s2, CORR(px, quantity) AS c, REGR_COUNT(NULL, px) AS rc, ARG_MIN(price, side) AS am,
  ARGMAX(NULL, px) AS am2, MIN_BY(ok, event_time) AS am3, BOOL_OR(ok) AS bo, COUNT_DISTINCT(side) AS cd,
  EARLIEST_BY_OFFSET(price) AS e, LATEST_BY_OFFSET(side, FALSE) AS l
FROM orders GROUP BY symbol HAVING MEDIAN(price) > 1 AND STRING_AGG(side, ',') <> '';
