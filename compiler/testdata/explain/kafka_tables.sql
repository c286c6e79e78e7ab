-- Kafka tables: the message key is the primary key (a JSON object of a compound one); read whole, no group.
CREATE STREAM orders (id BIGINT, trader BIGINT, symbol VARCHAR) WITH ('type' = 'kafka_source');
CREATE TABLE prices (symbol VARCHAR PRIMARY KEY, px DECIMAL(12,4)) WITH ('type' = 'kafka_source', 'topic' = 'prices');
CREATE TABLE positions (trader BIGINT, symbol VARCHAR, net BIGINT, PRIMARY KEY (trader, symbol))
  WITH ('type' = 'kafka_source', 'wait.timeout' = '10m');

SELECT o.id, p.px, q.net FROM orders o LEFT JOIN prices p ON o.symbol = p.symbol
JOIN positions q ON q.trader = o.trader AND q.symbol = o.symbol;
