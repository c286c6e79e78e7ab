-- Metrics from SQL: "-- @metric:" annotations before a statement, checked against its output columns.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(10,2), ts TIMESTAMP, tags ARRAY<VARCHAR>)
  WITH ('path' = 'orders.jsonl');

-- A counter of rows, a gauge and a histogram with labels and a condition: all fine.
-- @metric: orders_large_total
-- @metric_type: counter
-- @metric_help: "Large orders"
-- @metric_labels: symbol, side
-- @metric_condition: quantity > 1000 AND side = 'buy'
-- @metric: last_price
-- @metric_type: gauge
-- @metric_field: price
-- @metric_labels: symbol
-- @metric: order_quantity
-- @metric_type: histogram
-- @metric_field: quantity
-- @metric_buckets: [10, 100, 1000]
-- @metric_max_series: 100
CREATE STREAM large AS SELECT symbol, side, quantity, price, ts FROM orders WITH ('large.path' = 'large.jsonl');

-- A counter that adds a column; labels of every scalar kind; a condition over an alias.
-- @metric: quantity_total
-- @metric_field: qty
-- @metric_labels: ts, price, big
-- @metric_condition: big
SELECT quantity AS qty, ts, price, quantity > 10 AS big FROM orders;

-- @metric: orders_seen -- ERROR `a counter's name ends in _total, as Prometheus names counters: name it "orders_seen_total"`
SELECT symbol FROM orders;

-- @metric: 9lives_total -- ERROR `metric name "9lives_total" is not a Prometheus metric name`
SELECT symbol FROM orders;

-- @metric: velocc_mine_total -- ERROR `starts with "velocc_", which the job's own metrics use`
SELECT symbol FROM orders;

-- @metric: symbols_total
-- @metric_type: summary -- ERROR `unknown metric type "summary"; use counter, gauge or histogram`
SELECT symbol FROM orders;

-- @metric: symbols_total
-- @metric_labels: symbl, side -- ERROR `unknown column "symbl" in the output of "select_6"; did you mean "symbol"\?`
SELECT symbol, side FROM orders;

-- @metric: symbols_total
-- @metric_labels: symbol, symbol -- ERROR `label "symbol" is given twice`
SELECT symbol, side FROM orders;

-- @metric: tags_total
-- @metric_labels: tags -- ERROR `column "tags" is VARCHAR\[\], which cannot label a metric`
SELECT tags FROM orders;

-- @metric: price_now -- ERROR `a gauge measures a column: add -- @metric_field: COLUMN`
-- @metric_type: gauge
SELECT price FROM orders;

-- @metric: side_now
-- @metric_type: gauge
-- @metric_field: side -- ERROR `@metric_field "side" is VARCHAR; a metric measures a number`
SELECT side FROM orders;

-- @metric: big_total
-- @metric_condition: quantity + 1 -- ERROR `@metric_condition needs a BOOLEAN condition, but this is BIGINT`
SELECT quantity FROM orders;

-- @metric: big_total
-- @metric_condition: price > 10 -- ERROR `unknown column "price" in "select_12"`
SELECT quantity FROM orders;

-- @metric: big_total
-- @metric_condition: SUM(quantity) > 10 -- ERROR `@metric_condition reads the columns of each output row; an aggregate is not allowed here`
SELECT quantity FROM orders;

-- @metric: big_total
-- @metric_condition: quantity > -- ERROR `@metric_condition: unexpected`
SELECT quantity FROM orders;

-- @metric: q
-- @metric_type: histogram
-- @metric_field: quantity
-- @metric_buckets: 10, 5 -- ERROR `@metric_buckets must increase: 5 comes after 10`
SELECT quantity FROM orders;

-- @metric: q2
-- @metric_type: histogram
-- @metric_field: quantity
-- @metric_buckets: [10, lots] -- ERROR `"lots" is not a number`
SELECT quantity FROM orders;

-- @metric: q3_total
-- @metric_buckets: 1, 2 -- WARNING `@metric_buckets is ignored: "q3_total" is a counter, not a histogram`
-- @metric_colour: red -- WARNING `unknown annotation @metric_colour is ignored`
-- @metric_lables: symbol -- WARNING `unknown annotation @metric_lables is ignored; did you mean "metric_labels"\?`
-- @metric_sample_rate: 0.5 -- WARNING `@metric_sample_rate is ignored`
-- @metric_max_series: 0 -- ERROR `@metric_max_series wants a whole number of label sets from 1 to 1000000, got "0"`
SELECT quantity FROM orders;

-- @metric_type: gauge -- ERROR `@metric_type comes before any @metric: start each metric with -- @metric: NAME`
-- @metric: orders_large_total -- ERROR `metric "orders_large_total" clashes with metric "orders_large_total" at .*metrics.sql:7`
-- @metric_type: counter
-- @metric_type: counter -- ERROR `@metric_type is given twice for metric "orders_large_total" \(first at line 102\)`
SELECT quantity FROM orders;

-- @metric: order_quantity_count -- ERROR `clashes with metric "order_quantity" .* \(both name the series order_quantity_count\)`
-- @metric_type: gauge
-- @metric_field: quantity
SELECT quantity FROM orders;

-- @metric: le_hist
-- @metric_type: histogram
-- @metric_field: le
-- @metric_labels: le -- ERROR `a histogram's buckets take the label "le"`
SELECT quantity AS le FROM orders;

-- @metric: source_total -- ERROR `@metric measures the rows a query writes; this statement declares a source`
CREATE STREAM other (a BIGINT) WITH ('path' = 'other.jsonl');

-- @metric: x_total
-- @metric_labels: "odd name" -- ERROR `unknown column`
SELECT symbol AS "odd name" FROM orders;

-- @metric: odd_total
-- @metric_labels: odd name -- ERROR `column "odd name" cannot name a Prometheus label \(letters, digits and _, not starting with a digit or __\): rename it with AS`
SELECT symbol AS "odd name" FROM orders;

-- @metric the_total -- ERROR `an annotation is written -- @metric: VALUE`
SELECT symbol FROM orders;

SELECT symbol
-- @metric: inside_total -- WARNING `@metric inside a statement is ignored`
FROM orders;

-- @metric: trailing_total -- WARNING `@metric is ignored: no statement follows it`
