-- Metrics from SQL annotations, as explain shows them.
CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT) WITH ('path'='o.jsonl');
-- @metric: big_total
-- @metric_labels: symbol, side
-- @metric_condition: quantity > 1000
-- @metric: qty
-- @metric_type: histogram
-- @metric_field: quantity
CREATE STREAM c AS SELECT symbol, side, quantity FROM orders WITH ('c.path'='c.jsonl');
