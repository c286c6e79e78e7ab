-- Math, time, JSON and conditional functions (builtins_math.go, builtins_time.go, builtins_json.go,
-- builtins_cond.go): the constant arguments they check at compile time, and their accepted forms.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP, payload VARCHAR)
WITH ('path' = 'orders.jsonl');

-- Math.
SELECT LN(price) AS a, LOG(2, quantity) AS b, LOG10(quantity) AS c, SIGN(price) AS d, TRUNC(price, 2) AS e, TRUNC(quantity, -1) AS f, CBRT(quantity) AS g, PI() AS h, EXP(1) AS i FROM orders;
SELECT TRUNC(price, quantity) AS t FROM orders; -- ERROR "TRUNC's second argument must be an integer constant"
SELECT TRUNC(symbol) AS t FROM orders; -- ERROR "TRUNC needs a number, but this is VARCHAR"
SELECT PI(1) AS p FROM orders; -- ERROR "PI takes no arguments, got 1"
SELECT LN(symbol) AS l FROM orders; -- ERROR "LN needs a number, but this is VARCHAR"

-- Conditionals and IS [NOT] DISTINCT FROM.
SELECT IF(quantity > 0, 'buy', side) AS a, IIF(NULL, 1, 2) AS b, IFNULL(side, 'none') AS c, side IS DISTINCT FROM 'buy' AS d, price IS NOT DISTINCT FROM NULL AS e, event_time IS DISTINCT FROM '2024-01-01' AS f FROM orders;
SELECT IF(quantity, 1, 2) AS x FROM orders; -- ERROR "IF needs a BOOLEAN condition, but this is BIGINT"
SELECT IF(quantity > 0, 1, 'x') AS x FROM orders; -- ERROR "IF branches have different types: INT and VARCHAR"
SELECT IFNULL(side) AS x FROM orders; -- ERROR "IFNULL takes two arguments, got 1"
SELECT symbol IS DISTINCT FROM quantity AS x FROM orders; -- ERROR "cannot compare VARCHAR with BIGINT"

-- Time: parts by DuckDB's names, constant formats and intervals.
SELECT DATE_TRUNC('mon', event_time) AS a, DATE_PART('dayofweek', event_time) AS b, DATEDIFF('hours', event_time, NOW()) AS c, EXTRACT(isodow FROM event_time) AS d, CURRENT_TIMESTAMP AS e FROM orders;
SELECT DATE_ADD(event_time, INTERVAL '1 day 2 hours') AS a, event_time - INTERVAL '-90' SECOND AS b, INTERVAL 1 MONTH + event_time AS c, DATE_ADD(event_time, INTERVAL '01:30') AS d FROM orders;
SELECT STRFTIME(event_time, '%Y-%m-%d %H:%M:%S.%g') AS a, DATE_FORMAT('%-d/%-m/%y %%', event_time) AS b, STRPTIME(symbol, '%d/%m/%Y %c') AS c, TRY_STRPTIME(side, '%Y') AS d FROM orders;
SELECT TO_TIMESTAMP(quantity) AS a, FROM_UNIXTIME(price) AS b, EPOCH_MS(event_time) AS c, EPOCH_MS(quantity) AS d, UNIX_TIMESTAMP() AS e, UNIX_TIMESTAMP(event_time) AS f, UNIX_TIMESTAMP('2024-01-01T00:00:00Z') AS g FROM orders;
SELECT DATE_TRUNC('fortnight', event_time) AS t FROM orders; -- ERROR `unknown DATE_TRUNC part "fortnight"; supported: YEAR, QUARTER`
SELECT DATE_TRUNC(side, event_time) AS t FROM orders; -- ERROR "DATE_TRUNC's part argument must be a string constant"
SELECT DATE_DIFF('day', event_time, symbol) AS t FROM orders; -- ERROR "DATE_DIFF needs a TIMESTAMP or DATE, but this is VARCHAR"
SELECT DATE_ADD(event_time, quantity) AS t FROM orders; -- ERROR "DATE_ADD needs an INTERVAL constant"
SELECT DATE_ADD(event_time, INTERVAL '1.5' HOUR) AS t FROM orders; -- ERROR `INTERVAL value must be a whole number, got "1.5"`
SELECT DATE_ADD(event_time, INTERVAL '1' FORTNIGHT) AS t FROM orders; -- ERROR `unknown INTERVAL unit "FORTNIGHT"`
SELECT DATE_ADD(event_time, INTERVAL 5 MICROSECONDS) AS t FROM orders; -- ERROR "not whole milliseconds"
SELECT symbol + INTERVAL '1' HOUR AS t FROM orders; -- ERROR "an INTERVAL can be added to or subtracted from a TIMESTAMP, DATE or TIME only, but this is VARCHAR"
SELECT INTERVAL '1' HOUR - event_time AS t FROM orders; -- ERROR "INTERVAL values are allowed only as window sizes"
SELECT STRFTIME(event_time, side) AS t FROM orders; -- ERROR "STRFTIME's format argument must be a string constant"
SELECT STRFTIME(event_time, '%Y-%q') AS t FROM orders; -- ERROR "STRFTIME format has the unknown code %q"
SELECT STRFTIME(event_time, '100%') AS t FROM orders; -- ERROR "STRFTIME format ends with a lone %"
SELECT STRFTIME(event_time, '') AS t FROM orders; -- ERROR "STRFTIME format is empty"
SELECT STRPTIME(symbol, '%G-W%V') AS t FROM orders; -- ERROR "STRPTIME format has the unknown code %G"
SELECT PARSE_TIMESTAMP(symbol, 'yyyy-MM-dd HH:mm:ss') AS t FROM orders; -- ERROR "PARSE_TIMESTAMP takes strptime % codes"
SELECT STRPTIME(quantity, '%Y') AS t FROM orders; -- ERROR "STRPTIME needs VARCHAR, but this is BIGINT"
SELECT TO_TIMESTAMP(symbol) AS t FROM orders; -- ERROR "TO_TIMESTAMP needs an integer or a number, but this is VARCHAR"

-- JSON: the path is a constant, parsed here.
SELECT JSON_EXTRACT(payload, '$.a.b[0]') AS a, JSON_VALUE(payload, '$."x y"[-1]') AS b, JSON_EXISTS(payload, '/a/0/~1') AS c, JSON_VALUE(payload, 'key') AS d, JSON_EXTRACT(payload, '$["k"][#-2]') AS e FROM orders;
SELECT JSON_EXTRACT(payload, side) AS x FROM orders; -- ERROR "JSON_EXTRACT's path must be a string constant"
SELECT JSON_EXTRACT(payload, '$.a.') AS x FROM orders; -- ERROR `invalid JSON path "\$\.a\.": near "\."`
SELECT JSON_VALUE(payload, '$.a[*]') AS x FROM orders; -- ERROR `wildcards \(\[\*\]\) are not supported`
SELECT JSON_VALUE(payload, '$[1 ]') AS x FROM orders; -- ERROR `invalid JSON path`
SELECT JSON_EXISTS(quantity, '$') AS x FROM orders; -- ERROR "JSON_EXISTS needs a VARCHAR holding JSON, but this is BIGINT"
