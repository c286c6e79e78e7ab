-- Job settings in a query's WITH: the memory budget and what state beyond it does; every query must agree.

CREATE STREAM orders (symbol VARCHAR, quantity BIGINT) WITH ('path' = 'orders.jsonl');
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WITH ('max.memory.mb' = 512, 'state.overflow' = 'spill');
SELECT symbol FROM orders WITH ('MAX.MEMORY.MB' = '512', 'State.Overflow' = 'SPILL');
SELECT symbol FROM orders WITH ('max.memory.mb' = 256); -- ERROR `'max.memory.mb' is 256 here but 512 at .*errors_jobprops.sql:4:82; it is a setting of the whole job, so every query that gives it must agree`
SELECT symbol FROM orders WITH ('state.overflow' = 'fail'); -- ERROR `'state.overflow' is fail here but spill at .*errors_jobprops.sql:4:106`
SELECT symbol FROM orders WITH ('max.memory.mb' = 'lots'); -- ERROR `'max.memory.mb' wants a whole number of MiB from 1 to 1073741824, got "lots"`
SELECT symbol FROM orders WITH ('max.memory.mb' = 0); -- ERROR `'max.memory.mb' wants a whole number of MiB from 1 to 1073741824, got "0"`
SELECT symbol FROM orders WITH ('max.memory.mb' = 1.5); -- ERROR `got "1.5"`
SELECT symbol FROM orders WITH ('state.overflow' = 'swap'); -- ERROR `unknown 'state.overflow' "swap"; use fail \(stop the job with an error when state outgrows the memory budget\) or spill \(keep it on disk\)`
SELECT symbol FROM orders WITH ('processing.guarantee' = 'twice'); -- ERROR `unknown 'processing.guarantee' "twice"; use at_least_once \(the default\) or exactly_once \(Kafka transactions\)`
