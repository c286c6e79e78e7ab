-- STRUCT, ARRAY and MAP: declarations in both spellings, access, functions, comparisons and grouping of whole
-- values, and the uses not supported yet.

CREATE STREAM o (id BIGINT, customer STRUCT(id BIGINT, region VARCHAR, address STRUCT(city VARCHAR, zip INT)),
  items STRUCT<sku VARCHAR, qty INT, price DECIMAL(10,2)>[], tags MAP(VARCHAR, BIGINT), nums ARRAY<INT>, grid INT[][],
  ts TIMESTAMP) WITH ('path' = 'o.jsonl');

SELECT customer.region, o.customer.address.zip, customer->id, items[1].sku, items[-1].price, tags['a'], grid[1][2] FROM o;
SELECT ELEMENT_AT(nums, 1) AS e, STRUCT_EXTRACT(customer, 'id') AS i, MAP_KEYS(tags) AS k, ARRAY_SORT(nums) AS s, TO_JSON(items) AS j FROM o;
SELECT customer.region AS r, COUNT(*) AS n, SUM(items[1].qty) AS q, COUNT(items) AS ni FROM o GROUP BY customer.region;
SELECT COALESCE(nums, nums) AS c, CASE WHEN id > 1 THEN customer END AS cc FROM o;

CREATE STREAM bad1 (s STRUCT(a INT, a VARCHAR)) WITH ('path' = 'x.jsonl'); -- ERROR `STRUCT field "a" is declared twice`
CREATE STREAM bad2 (m MAP(DOUBLE, INT)) WITH ('path' = 'x.jsonl'); -- ERROR "a MAP's keys are VARCHAR, INT or BIGINT"
CREATE STREAM bad3 (a ARRAY(INT, INT)) WITH ('path' = 'x.jsonl'); -- ERROR "ARRAY takes its element type"
CREATE STREAM bad4 (s STRUCT(INT)) WITH ('path' = 'x.jsonl'); -- ERROR "each field of a STRUCT has a name and a type"
SELECT customer.nope FROM o; -- ERROR `has no field "nope"`
SELECT id[1] FROM o; -- ERROR `reads an ARRAY's element or a MAP's value, but id is BIGINT`
SELECT nums['a'] FROM o; -- ERROR "an ARRAY's index must be an integer, not VARCHAR"
SELECT tags[1] FROM o; -- ERROR "the keys of tags are VARCHAR, not INT"
SELECT id.x FROM o; -- ERROR "unknown qualifier"
SELECT items.sku FROM o; -- ERROR "unknown qualifier"
SELECT MAX(customer) AS m, MIN(nums) AS n FROM o;
SELECT ARRAY_AGG(customer) AS m, LIST(nums) AS l, COLLECT_SET(tags) AS t, COLLECT_LIST(ROW(id, items)) AS r FROM o;
SELECT id, LIST(nums) OVER (PARTITION BY id) AS l FROM o; -- ERROR `LIST over INT\[\] values is not supported`
SELECT id, MAX(nums) OVER (PARTITION BY id) AS m FROM o; -- ERROR `MAX over INT\[\] values is not supported`
SELECT customer, COUNT(*) AS n, COUNT(DISTINCT items) AS d FROM o GROUP BY customer;
SELECT DISTINCT nums, tags FROM o;
SELECT id FROM o WHERE customer = customer AND nums < [1, 2] AND tags <> MAP {'a': 1} AND items IS DISTINCT FROM NULL;
SELECT id FROM o WHERE nums IN ([1], [2, NULL]) AND nums BETWEEN [1] AND [2] AND customer.address >= {'city': 'x', 'zip': 1};
SELECT NULLIF(nums, [1]) AS a, GREATEST(nums, [3]) AS b, CASE nums WHEN [1] THEN 1 END AS c FROM o;
SELECT id FROM o WHERE nums = [CAST(1 AS BIGINT)] AND customer.address = {'zip': 1, 'city': 'x'} AND customer.address < ROW('x', 1);
SELECT CASE WHEN id > 1 THEN nums ELSE CAST(nums AS BIGINT[]) END AS c, ROW(id, NULL) AS r FROM o;
SELECT id FROM o WHERE nums = ['a']; -- ERROR `cannot compare INT\[\] with VARCHAR\[\]: their parts have no common type`
SELECT id FROM o WHERE customer.address = {'town': 'x', 'zip': 1}; -- ERROR "cannot compare STRUCT"
SELECT id FROM o WHERE customer.address = ROW('x'); -- ERROR "cannot compare STRUCT"
SELECT id FROM o WHERE nums = tags; -- ERROR `cannot compare INT\[\] with MAP`
SELECT id FROM o WHERE nums = 1; -- ERROR `cannot compare INT\[\] with INT`
SELECT nums + nums AS x FROM o; -- ERROR `\+ does not take INT\[\] values`
SELECT id FROM o WHERE nums IN (tags); -- ERROR "IN list value of type MAP.* does not match INT"
SELECT id, ROW_NUMBER() OVER (PARTITION BY nums) AS r FROM o; -- ERROR `PARTITION BY a INT\[\] value is not supported yet`
SELECT CAST(nums AS VARCHAR) FROM o; -- ERROR `cannot cast INT\[\] to VARCHAR: .*TO_JSON`
SELECT CAST(nums AS VARCHAR[]) AS a, CAST(tags AS MAP(INT, DOUBLE)) AS b, CAST(customer AS STRUCT(region INT, zip INT)) AS c FROM o;
SELECT CAST(customer AS STRUCT(x INT)) FROM o; -- ERROR "have no field name in common"
SELECT CAST(ROW(1, 2) AS STRUCT(a INT)) FROM o; -- ERROR `ROW\(...\) has 2 fields and STRUCT\(a INT\) 1`
SELECT CAST(nums AS MAP(VARCHAR, INT)) FROM o; -- ERROR `cannot cast INT\[\] to MAP\(VARCHAR, INT\)`
SELECT CAST(tags AS MAP(VARCHAR, DATE)) FROM o; -- ERROR "BIGINT does not cast to DATE"
SELECT CAST('[1]' AS INT[]) FROM o; -- ERROR `cannot cast VARCHAR to INT\[\]`
SELECT ROW() AS r FROM o; -- ERROR "ROW takes"
SELECT UPPER(customer) FROM o; -- ERROR "UPPER needs VARCHAR, but this is STRUCT"
SELECT ARRAY_CONTAINS(items, 1) FROM o; -- ERROR "ARRAY_CONTAINS compares elements"
SELECT CARDINALITY(customer) FROM o; -- ERROR "CARDINALITY needs"
SELECT STRUCT_EXTRACT(customer, 'nope') FROM o; -- ERROR `has no field "nope"`
SELECT ARRAY_CONCAT(nums, items) FROM o; -- ERROR "ARRAY_CONCAT joins arrays of one type"
SELECT id, EXPLODE(nums) AS n FROM o;
SELECT o.id, item.sku, w FROM o CROSS JOIN UNNEST(o.items) AS t(item) CROSS JOIN UNNEST(grid) AS u(w);
SELECT id, EXPLODE(nums) + 1 AS n FROM o; -- ERROR `EXPLODE\(x\) is a whole SELECT item`
SELECT id, EXPLODE(nums) AS a, UNNEST(nums) AS b FROM o; -- ERROR "a query takes one UNNEST"
SELECT COUNT(*) AS c, EXPLODE(nums) AS n FROM o; -- ERROR `EXPLODE\(x\) is a whole SELECT item`
SELECT id, EXPLODE(id) AS n FROM o; -- ERROR "EXPLODE takes an ARRAY, but this is BIGINT"
SELECT id FROM o CROSS JOIN UNNEST(nums) AS t(a, b); -- ERROR "UNNEST of an array gives one column"
SELECT id FROM o JOIN UNNEST(nums) AS t(n) ON n > 0; -- ERROR "without ON"
CREATE TABLE bad5 (k INT[] PRIMARY KEY, v INT) WITH ('path' = 'x.jsonl'); -- ERROR `a PRIMARY KEY column of type INT\[\] is not supported yet`
CREATE TABLE ref (id BIGINT PRIMARY KEY, k INT[], v INT) WITH ('path' = 'ref.jsonl');
SELECT o.id, ref.v FROM o JOIN ref ON ref.k = o.nums; -- WARNING "ON does not fix the whole primary key"
CREATE STREAM by_address AS SELECT customer.address AS a, COUNT(*) AS n FROM o GROUP BY customer.address WITH ('by_address.type' = 'kafka_sink', 'by_address.topic' = 't'); -- ERROR `the Kafka sink "by_address" keys its messages by the GROUP BY keys, but "address" is a STRUCT`
CREATE STREAM keyed AS SELECT id, nums FROM o WITH ('keyed.type' = 'kafka_sink', 'keyed.topic' = 't', 'keyed.key.field' = 'nums'); -- ERROR `key.field "nums" is a INT\[\] column`
