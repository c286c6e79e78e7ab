// The workloads: for each, the velocc script, the equivalent DuckDB query, the input it reads and how the two
// outputs are compared; and the targets the report checks.

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/velocc/velocc/internal/benchdoc"
)

// workload is one row of the report: a velocc job and a DuckDB query over the same generated file.
type workload struct {
	id     string // names the work files and the profile; "W2-jsonl"
	title  string // the row's name in the report
	ds     *dataset
	format int // which of ds.formats the workload reads
	sink   string
	// script returns the velocc script; root is the repository's root.
	script func(root string) (string, error)
	// duck is the DuckDB query; {scan} stands for the read_json or read_csv call over the input file.
	duck string
	// ordered says that both engines write the rows in input order, so that they are compared line by line (a
	// stateless query over millions of rows); otherwise rows are compared as multisets.
	ordered bool
	// approx lists the columns compared within tolerance, with the absolute tolerance of each (a value within
	// it, or within 1e-9 relative, matches). Every other column is compared exactly: numbers as decimals.
	approx map[string]float64
	// hashed says that the rows are compared as a multiset of their hashes: millions of rows, in an order DuckDB
	// does not promise (see compareHashed).
	hashed bool
	about  string // what the query does, for the report

	// tables are the tables the query joins, each read by a CREATE TABLE of the script from a file of its own
	// (a --source flag of the job) and by a {scan NAME} of the DuckDB query.
	tables []tableRef
	// load, if set, is a table whose load rate is measured: the job runs once more in each repetition with a
	// larger file of that table and an empty stream, and its summary line gives the load time (see measureLoad).
	load *loadRef
	// micro, if set, is a benchmark of the rt package run once after the repetitions (see runMicro).
	micro string

	// streams are the other streams the query reads (a join of two streams), each read by a CREATE STREAM of the
	// script from a file of its own (a --source flag of the job) and by a {scan NAME} of the DuckDB query. The
	// workload's input rows (-rows) are shared equally among ds and these, and its rows/s count all of them.
	streams []streamRef
	// fused, if set, is a second velocc script that computes the same rows in one query where script chains
	// several (queries over queries): it runs as one more contender (veloccFused), titled fusedTitle.
	fused      func(root string) (string, error)
	fusedTitle string
}

// streamRef is another stream a workload reads: a data set read in its format.
type streamRef struct {
	ds     *dataset
	format int
}

// tableRef is a table a workload joins: a data set generated for its number of distinct keys.
type tableRef struct {
	ds     *dataset
	format int
	keys   int
}

// loadRef is the table of a workload (an index into its tables) whose load is measured, and the number of keys
// of the file loaded for that.
type loadRef struct {
	table int
	keys  int
}

// sqlList joins the columns as a CREATE STREAM column list.
func (ds *dataset) sqlList() string {
	var parts []string
	for _, c := range ds.columns {
		parts = append(parts, c.name+" "+c.velocc)
	}
	return strings.Join(parts, ", ")
}

// createStream returns the CREATE STREAM statement of ds read in its format i; the job's --source flag points it
// at the generated file.
func (ds *dataset) createStream(i int) string {
	f := ds.formats[i]
	with := fmt.Sprintf("'type'='file_source', 'path'='%s.%s', 'format'='%s'", ds.name, f.ext, f.ext)
	if f.ext == "csv" && f.delim != ',' {
		with += fmt.Sprintf(", 'delimiter'='%c'", f.delim)
	}
	return fmt.Sprintf("CREATE STREAM %s (%s)\n  WITH (%s);\n", ds.source, ds.sqlList(), with)
}

// createTable returns the CREATE TABLE statement of the table data set ds read in its format i, with its
// primary key; the job's --source flag points it at the generated file.
func (ds *dataset) createTable(i int) string {
	cols := ds.sqlList()
	if len(ds.key) > 0 {
		cols += ", PRIMARY KEY (" + strings.Join(ds.key, ", ") + ")"
	}
	stream := ds.createStream(i)
	_, with, _ := strings.Cut(stream, "\n")
	return fmt.Sprintf("CREATE TABLE %s (%s)\n%s", ds.source, cols, with)
}

// sourceURI is the --source value pointing the job's source at path.
func (w *workload) sourceURI(path string) string { return w.ds.sourceURI(w.format, path) }

// sourceURI is the --source value pointing the source of ds, read in its format i, at path.
func (ds *dataset) sourceURI(i int, path string) string {
	uri := ds.source + "=file:" + path
	if f := ds.formats[i]; f.ext == "csv" && f.delim != ',' {
		uri += "?delimiter=" + string(f.delim)
	}
	return uri
}

// duckScan returns DuckDB's table function reading path in format i of ds with ds's columns, declared
// explicitly (no sniffing): read_json for JSON lines, read_csv for CSV.
func (ds *dataset) duckScan(i int, path string) string {
	var cols []string
	for _, c := range ds.columns {
		cols = append(cols, fmt.Sprintf("'%s': '%s'", c.name, c.duck))
	}
	list := "{" + strings.Join(cols, ", ") + "}"
	f := ds.formats[i]
	if f.ext == "csv" {
		return fmt.Sprintf("read_csv(%s, columns=%s, header=true, delim='%c', quote='\"', auto_detect=false)",
			sqlString(path), list, f.delim)
	}
	return fmt.Sprintf("read_json(%s, columns=%s, format='newline_delimited')", sqlString(path), list)
}

// duckQuery returns w's DuckDB query over the stream's file path, the files of its other streams (in the order of
// w.streams) and those of its tables (in the order of w.tables).
func (w *workload) duckQuery(path string, streams, tables []string) string {
	q := w.duck
	for i, s := range w.streams {
		q = strings.ReplaceAll(q, "{scan "+s.ds.source+"}", s.ds.duckScan(s.format, streams[i]))
	}
	for i, t := range w.tables {
		q = strings.ReplaceAll(q, "{scan "+t.ds.source+"}", t.ds.duckScan(t.format, tables[i]))
	}
	return strings.ReplaceAll(q, "{scan}", w.ds.duckScan(w.format, path))
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// fixed returns a script function for a script built from a source and a query.
func fixed(ds *dataset, format int, query string) func(string) (string, error) {
	return func(string) (string, error) { return ds.createStream(format) + query, nil }
}

// withEventTime returns a script function for a query over ds read in format i whose source declares its event
// time (a field and an allowed out-of-orderness), as window functions ordered by event time need.
func withEventTime(ds *dataset, i int, field, outOfOrder, query string) func(string) (string, error) {
	return func(string) (string, error) { return ds.createTimedStream(i, field, outOfOrder) + query, nil }
}

// createTimedStream returns the CREATE STREAM statement of ds read in its format i with its event time: the column
// field, and the out-of-orderness the watermark allows.
func (ds *dataset) createTimedStream(i int, field, outOfOrder string) string {
	return strings.Replace(ds.createStream(i), ");\n",
		fmt.Sprintf(", 'event.time.field'='%s', 'watermark.max_out_of_orderness'='%s');\n", field, outOfOrder), 1)
}

// orderflowPath is the query of W1, used as it is; only its source file is replaced, with --source.
const orderflowPath = "examples/trading/orderflow.sql"

// w2Query is W2's velocc query, over the JSON lines or the CSV form of the trades.
const w2Query = `SELECT symbol, SUM(quantity) AS volume, COUNT(*) AS trades, SUM(price * quantity) AS notional,
       MIN(price) AS low, MAX(price) AS high, SUM(price * quantity) / SUM(quantity) AS vwap
FROM trades
GROUP BY symbol
HAVING SUM(quantity) > 10000
EMIT FINAL;
`

// w2Duck is W2 in DuckDB.
const w2Duck = `SELECT symbol, SUM(quantity) AS volume, COUNT(*) AS trades, SUM(price * quantity) AS notional,
       MIN(price) AS low, MAX(price) AS high, SUM(price * quantity) / SUM(quantity) AS vwap
FROM {scan}
GROUP BY symbol
HAVING SUM(quantity) > 10000`

// w6Query is W6's velocc query.
const w6Query = `SELECT o.order_id, o.symbol, i.sector, i.currency, i.tick_size, t.desk, t.region, o.side, o.quantity, o.price,
       o.price * o.quantity AS notional,
       CASE WHEN o.quantity > t.risk_limit THEN 'over' ELSE 'ok' END AS limit_check,
       o.event_time
FROM orders o
LEFT JOIN instruments i ON o.symbol = i.symbol
LEFT JOIN traders t ON o.trader_id = t.trader_id
WHERE o.order_type <> 'IOC' AND (i.sector IS NULL OR i.sector <> 'Utilities') AND (t.region IS NULL OR t.region <> 'APAC');
`

// w7Query is W7's velocc query, after the two sources.
const w7Query = `SELECT a.symbol, a.quote_id AS a_id, b.quote_id AS b_id, a.price AS a_price, b.price AS b_price,
       b.price - a.price AS diff, a.event_time AS a_time, b.event_time AS b_time
FROM quotes_a a JOIN quotes_b b WITHIN 10 SECONDS ON a.symbol = b.symbol;
`

// w7OutOfOrder is the watermark's allowed out-of-orderness of both quote streams: their disorder, under
// quoteJitterMillis, makes no quote late.
const w7OutOfOrder = "1s"

// w8Chain is W8's velocc query: a filter, a projection over it and an aggregation over that, each a query of its
// own reading the stream the one before writes.
const w8Chain = `CREATE STREAM lit AS
SELECT symbol, side, price, quantity FROM trades WHERE venue <> 'DARK' AND quantity >= 10;

CREATE STREAM legs AS
SELECT symbol, price * quantity AS notional, CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END AS signed_qty
FROM lit;

SELECT symbol, COUNT(*) AS trades, SUM(notional) AS notional, SUM(signed_qty) AS net_qty
FROM legs
GROUP BY symbol
EMIT FINAL;
`

// w8Fused is W8's chain written as one query.
const w8Fused = `SELECT symbol, COUNT(*) AS trades, SUM(price * quantity) AS notional,
       SUM(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END) AS net_qty
FROM trades
WHERE venue <> 'DARK' AND quantity >= 10
GROUP BY symbol
EMIT FINAL;
`

// loadKeys is the number of distinct keys of the instruments file whose load W6 measures: ten times W6's own, so
// that the load takes long enough for the job's summary line (in hundredths of a second) to time it well.
const loadKeys = 1_000_000

// workloads are the rows of the report, in order.
var workloads = []*workload{
	{
		id: "W1", title: "W1 order-flow imbalance (JSONL)", ds: orders, sink: "select_1",
		about: "`examples/trading/orderflow.sql` as it is: per symbol and 1-minute tumbling window, SUM(CASE …) of " +
			"buy and sell volume, their ratio, HAVING on volume and ratio",
		script: func(root string) (string, error) {
			b, err := os.ReadFile(filepath.Join(root, orderflowPath))
			return string(b), err
		},
		duck: `SELECT symbol,
       SUM(CASE WHEN side = 'BUY'  THEN quantity ELSE 0 END) AS buy_volume,
       SUM(CASE WHEN side = 'SELL' THEN quantity ELSE 0 END) AS sell_volume,
       SUM(quantity) AS total_volume,
       SUM(CASE WHEN side = 'BUY' THEN quantity ELSE 0 END) / SUM(quantity) AS buy_ratio,
       (event_time // 60000) * 60000 + 60000 AS analysis_time
FROM {scan}
GROUP BY symbol, event_time // 60000
HAVING SUM(quantity) > 10000
   AND (SUM(CASE WHEN side = 'BUY' THEN quantity ELSE 0 END) / SUM(quantity) > 0.7
        OR SUM(CASE WHEN side = 'SELL' THEN quantity ELSE 0 END) / SUM(quantity) > 0.7)`,
		approx: map[string]float64{"buy_ratio": 0},
	},
	{
		id: "W2-jsonl", title: "W2 GROUP BY symbol, 10k Zipf symbols (JSONL)", ds: trades, format: 0, sink: "select_1",
		about: "GROUP BY symbol with SUM(quantity), COUNT(*), SUM(price*quantity), MIN(price), MAX(price) and the " +
			"VWAP ratio, HAVING SUM(quantity) > 10000",
		script: fixed(trades, 0, w2Query), duck: w2Duck,
		approx: map[string]float64{"vwap": 1e-10}, // DECIMAL(38,10) in velocc, DOUBLE in DuckDB
	},
	{
		id: "W2-csv", title: "W2 GROUP BY symbol, 10k Zipf symbols (CSV)", ds: trades, format: 1, sink: "select_1",
		about:  "the same query over the same trades as CSV",
		script: fixed(trades, 1, w2Query), duck: w2Duck,
		approx: map[string]float64{"vwap": 1e-10},
	},
	{
		id: "W3", title: "W3 filter + projection + CASE (JSONL → JSONL)", ds: trades, sink: "select_1", ordered: true,
		about: "a stateless WHERE on venue and quantity (about 90% of the trades pass), a DECIMAL product and a " +
			"CASE, every row written as JSON lines to a file",
		script: fixed(trades, 0, `SELECT trade_id, symbol, side, price, quantity, price * quantity AS notional,
       CASE WHEN quantity >= 5000 THEN 'block' WHEN quantity >= 100 THEN 'round' ELSE 'odd' END AS lot,
       venue, event_time
FROM trades
WHERE venue <> 'DARK' AND quantity >= 10;
`),
		duck: `SELECT trade_id, symbol, side, price, quantity, price * quantity AS notional,
       CASE WHEN quantity >= 5000 THEN 'block' WHEN quantity >= 100 THEN 'round' ELSE 'odd' END AS lot,
       venue, event_time
FROM {scan}
WHERE venue <> 'DARK' AND quantity >= 10`,
	},
	{
		id: "W4", title: "W4 1BRC min/avg/max per station (CSV `;`)", ds: measurements, sink: "select_1",
		about: "MIN, AVG and MAX of a DECIMAL(3,1) temperature per station (413 stations); AVG is exact " +
			"DECIMAL(38,7) in velocc and DOUBLE in DuckDB",
		script: fixed(measurements, 0, `SELECT station, MIN(temperature) AS min_temp, AVG(temperature) AS mean_temp,
       MAX(temperature) AS max_temp
FROM measurements
GROUP BY station
EMIT FINAL;
`),
		duck: `SELECT station, MIN(temperature) AS min_temp, AVG(temperature) AS mean_temp, MAX(temperature) AS max_temp
FROM {scan}
GROUP BY station`,
		approx: map[string]float64{"mean_temp": 1e-7},
	},
	{
		id: "W5", title: "W5 GROUP BY 1M distinct keys (CSV)", ds: payments, sink: "select_1",
		about: "SUM(amount) and COUNT(*) per account over min(rows, 1,000,000) distinct accounts; every group is " +
			"written at the end",
		script: fixed(payments, 0, `SELECT account, SUM(amount) AS total, COUNT(*) AS n
FROM payments
GROUP BY account
EMIT FINAL;
`),
		duck: `SELECT account, SUM(amount) AS total, COUNT(*) AS n
FROM {scan}
GROUP BY account`,
	},
	{
		id: "W6", title: "W6 stream–table join: orders LEFT JOIN 100k instruments (CSV) and 5k traders (JSONL)",
		ds: equityOrders, sink: "select_1", hashed: true,
		tables: []tableRef{{ds: instruments, keys: instrumentKeys}, {ds: traders, keys: traderKeys}},
		load:   &loadRef{table: 0, keys: loadKeys},
		micro:  "BenchmarkTableGet",
		about: "each order LEFT JOINed by symbol with the instruments table and by trader_id with the traders " +
			"table (both loaded before the first order is read), filtered on the order type and on the joined " +
			"sector and region (about 73% of the orders pass), 13 columns projected (a DECIMAL product and a CASE " +
			"over a joined column among them) and written as JSON lines. DuckDB reads each table file keeping the " +
			"last line of each key (`QUALIFY row_number() OVER (PARTITION BY key ORDER BY rev DESC) = 1`: `rev` " +
			"grows with the line), which is velocc's upsert",
		script: func(string) (string, error) {
			return equityOrders.createStream(0) + instruments.createTable(0) + traders.createTable(0) + w6Query, nil
		},
		duck: `WITH i AS (SELECT * FROM {scan instruments} QUALIFY row_number() OVER (PARTITION BY symbol ORDER BY rev DESC) = 1),
     t AS (SELECT * FROM {scan traders} QUALIFY row_number() OVER (PARTITION BY trader_id ORDER BY rev DESC) = 1)
SELECT o.order_id, o.symbol, i.sector, i.currency, i.tick_size, t.desk, t.region, o.side, o.quantity, o.price,
       o.price * o.quantity AS notional,
       CASE WHEN o.quantity > t.risk_limit THEN 'over' ELSE 'ok' END AS limit_check,
       o.event_time
FROM {scan} o
LEFT JOIN i ON o.symbol = i.symbol
LEFT JOIN t ON o.trader_id = t.trader_id
WHERE o.order_type <> 'IOC' AND (i.sector IS NULL OR i.sector <> 'Utilities') AND (t.region IS NULL OR t.region <> 'APAC')`,
	},
	{
		id: "W7", title: "W7 stream–stream interval join ±10 s, quotes of two venues on 1,000 symbols (JSONL)",
		ds: quotesA, streams: []streamRef{{ds: quotesB}}, sink: "select_1", hashed: true,
		about: "each venue's quotes (half of the input rows each, over the same span of event time, each stream " +
			"up to 1 s out of order, which the watermarks allow) joined by symbol with the other venue's quotes " +
			"whose time lies within 10 s either way (`JOIN quotes_b b WITHIN 10 SECONDS ON a.symbol = b.symbol`: " +
			"about 2.5 pairs per quote), both ends inclusive; 8 columns projected, the price difference among them, " +
			"and every pair written as JSON lines. The two files are read by two goroutines. DuckDB runs the same " +
			"join over the same files, `JOIN ... ON a.symbol = b.symbol AND b.event_time BETWEEN a.event_time - " +
			"10000 AND a.event_time + 10000` (its event times are epoch milliseconds)",
		script: func(string) (string, error) {
			return quotesA.createTimedStream(0, "event_time", w7OutOfOrder) +
				quotesB.createTimedStream(0, "event_time", w7OutOfOrder) + w7Query, nil
		},
		duck: `SELECT a.symbol, a.quote_id AS a_id, b.quote_id AS b_id, a.price AS a_price, b.price AS b_price,
       b.price - a.price AS diff, a.event_time AS a_time, b.event_time AS b_time
FROM {scan} a JOIN {scan quotes_b} b
  ON a.symbol = b.symbol AND b.event_time BETWEEN a.event_time - 10000 AND a.event_time + 10000`,
	},
	{
		id: "W8", title: "W8 chain of three queries: filter → projection → GROUP BY symbol (JSONL)", ds: trades,
		sink: "select_1", fusedTitle: "W8 the same computation fused into one query (JSONL)",
		about: "W2's trades through three queries of one job, each reading the stream the one before writes: " +
			"`CREATE STREAM lit AS SELECT ... WHERE venue <> 'DARK' AND quantity >= 10` (about 90% pass), " +
			"`CREATE STREAM legs AS SELECT symbol, price * quantity AS notional, CASE ... AS signed_qty FROM lit`, " +
			"and `SELECT symbol, COUNT(*), SUM(notional), SUM(signed_qty) FROM legs GROUP BY symbol EMIT FINAL`; " +
			"against the same computation as one query (the fused row, a job of its own), both checked against " +
			"DuckDB's one query",
		script: fixed(trades, 0, w8Chain), fused: fixed(trades, 0, w8Fused),
		duck: `SELECT symbol, COUNT(*) AS trades, SUM(price * quantity) AS notional,
       SUM(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END) AS net_qty
FROM {scan}
WHERE venue <> 'DARK' AND quantity >= 10
GROUP BY symbol`,
	},
	{
		id: "W9", title: "W9 1-minute hopping window by 10 s, COUNT/SUM/MAX per symbol (JSONL)", ds: trades,
		sink: "select_1",
		about: "a 1-minute window advancing by 10 seconds (each trade in 6 windows) over the event time (up to 1 s " +
			"out of order, which the watermark allows), with COUNT(*), SUM(quantity) and MAX(price) per symbol and " +
			"window; every group written when its window closes",
		script: withEventTime(trades, 0, "event_time", "1s", `SELECT symbol, _window_start AS window_start, COUNT(*) AS trades,
       SUM(quantity) AS volume, MAX(price) AS high
FROM trades
GROUP BY symbol
WINDOW HOPPING(event_time, INTERVAL '1' MINUTE, INTERVAL '10' SECOND)
EMIT FINAL;
`),
		// Each trade joined to the starts of the 6 windows that cover it.
		duck: `WITH h AS (
  SELECT symbol, quantity, price,
         unnest(generate_series((event_time - 60000) // 10000 * 10000 + 10000, event_time // 10000 * 10000, 10000)) AS w
  FROM {scan})
SELECT symbol, w AS window_start, COUNT(*) AS trades, SUM(quantity) AS volume, MAX(price) AS high
FROM h
GROUP BY symbol, w`,
	},
	{
		id: "W10", title: "W10 LAG and 20-row rolling AVG/STDDEV per symbol (JSONL)", ds: trades, sink: "select_1",
		about: "window functions over 10k symbols ordered by event time (up to 1 s out of order, which the " +
			"watermark allows): LAG(price), and AVG and STDDEV of price over the 20 rows up to the current one; " +
			"every row written",
		script: withEventTime(trades, 0, "event_time", "1s", `SELECT trade_id, symbol, price,
       LAG(price) OVER (PARTITION BY symbol ORDER BY event_time) AS prev_price,
       AVG(price) OVER (PARTITION BY symbol ORDER BY event_time ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS avg20,
       STDDEV(price) OVER (PARTITION BY symbol ORDER BY event_time ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS sd20
FROM trades;
`),
		// Rows of equal time keep their arrival order in velocc: trade_id breaks DuckDB's ties the same way.
		duck: `SELECT trade_id, symbol, price,
       LAG(price) OVER w AS prev_price,
       AVG(price) OVER (w ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS avg20,
       STDDEV(price) OVER (w ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS sd20
FROM {scan}
WINDOW w AS (PARTITION BY symbol ORDER BY event_time, trade_id)`,
		approx: map[string]float64{"avg20": 1e-9, "sd20": 1e-6}, // AVG: exact DECIMAL(38,10) in velocc, DOUBLE in DuckDB
	},
	{
		id: "W11", title: "W11 UNNEST of nested line items, revenue per customer region (JSONL)", ds: nestedOrders,
		sink: "select_1",
		about: "each order's items array unnested (3 items an order on average), SUM(qty * price) and COUNT(*) " +
			"per region of the nested customer object; the 8 regions written at the end",
		script: fixed(nestedOrders, 0, w11Query), duck: w11Duck,
	},
}

// w11Query is W11's velocc query.
const w11Query = `SELECT o.customer.region AS region, SUM(item.qty * item.price) AS revenue, COUNT(*) AS lines
FROM nested_orders o CROSS JOIN UNNEST(o.items) AS t(item)
GROUP BY o.customer.region
EMIT FINAL;
`

// w11Duck is W11 in DuckDB.
const w11Duck = `SELECT o.customer.region AS region, SUM(item.qty * item.price) AS revenue, COUNT(*) AS lines
FROM {scan} o CROSS JOIN UNNEST(o.items) AS t(item)
GROUP BY o.customer.region`

// contender is one way of running a workload.
type contender int

const (
	veloccOne   contender = iota // the velocc job, one worker
	veloccTwo                    // the velocc job with --workers 2, when the job has the flag
	duckOne                      // DuckDB, SET threads = 1
	duckTwo                      // DuckDB, SET threads = 2
	veloccFused                  // the job of the workload's fused script, one worker, when it has one
	numContenders
)

// tableContenders are the contenders that have a column of their own in the report's tables.
var tableContenders = []contender{veloccOne, veloccTwo, duckOne, duckTwo}

func (c contender) String() string {
	return [...]string{"velocc 1 worker", "velocc 2 workers", "DuckDB threads=1", "DuckDB threads=2",
		"velocc fused query, 1 worker"}[c]
}

// short names c in file names and progress lines.
func (c contender) short() string {
	return [...]string{"velocc1", "velocc2", "duckdb1", "duckdb2", "fused1"}[c]
}

func (c contender) velocc() bool { return c == veloccOne || c == veloccTwo || c == veloccFused }

// threads is the worker or thread count of c.
func (c contender) threads() int {
	if c == veloccTwo || c == duckTwo {
		return 2
	}
	return 1
}

// velostreamRate is Velostream's published per-partition throughput, in rows/s; W4's absolute target is ten
// times it.
const velostreamRate = 377_000

// buildLimit is the target for velocc build plus go build of one job, with a warm build cache, in seconds.
const buildLimit = 5.0

// velostreamJoinRate is Velostream's published stream–table join throughput (in memory, no parsing), in
// records/s; W6's absolute target is twenty times it.
const velostreamJoinRate = 98_000

// tableLoadRate is the target rate of a table's load from CSV, rows/s.
const tableLoadRate = 2_000_000

// lookupRate is the target rate of rt's table lookups (BenchmarkTableGet), lookups/s; Velostream's
// OptimizedTableImpl does 1.85 M/s.
const lookupRate = 20_000_000

// lookupCase is the case of BenchmarkTableGet judged against lookupRate: keys drawn by a Zipf law, as W6's
// orders draw their symbols.
const lookupCase = "BenchmarkTableGet/zipf"

// profiled is which run of a workload is profiled when a target is missed.
type profiled uint8

const (
	profileRun   profiled = iota // the velocc job over the workload's input
	profileLoad                  // the job's table load alone (measureLoad)
	profileMicro                 // the rt micro-benchmark (w.micro)
	profileFused                 // the job of the workload's fused script over its input
)

// target is one line of the report's verdicts.
type target struct {
	text    string
	profile string // the workload whose velocc job is profiled when the target is missed; "" for none
	what    profiled
	// check returns the measured value in words and whether it meets the target; ok is false when the target
	// cannot be judged (a workload that was not run, or no --workers).
	check func(r *results) (value string, met, ok bool)
}

// ratioTarget is "workload id, contender a ≥ min × contender b" on median rows/s.
func ratioTarget(id string, a, b contender, min float64, text string) target {
	return target{text: text, profile: id, check: func(r *results) (string, bool, bool) {
		wr := r.byID[id]
		if wr == nil {
			return "not run", false, false
		}
		for _, c := range []contender{a, b} {
			if !wr.has(c) {
				return "n/a (" + wr.missing(c) + ")", false, false
			}
		}
		x := wr.ratio(a, b)
		return fmt.Sprintf("%.2f×", x), x >= min, true
	}}
}

// targets are the goals the report checks, in order.
var targets = []target{
	ratioTarget("W2-jsonl", veloccOne, duckOne, 1.5, "W2 JSONL: velocc 1 worker ≥ 1.5× DuckDB threads=1"),
	ratioTarget("W2-jsonl", veloccTwo, duckTwo, 1.0, "W2 JSONL: velocc 2 workers ≥ 1.0× DuckDB threads=2"),
	ratioTarget("W2-csv", veloccOne, duckOne, 2.0, "W2 CSV: velocc 1 worker ≥ 2× DuckDB threads=1"),
	ratioTarget("W4", veloccOne, duckOne, 2.0, "W4: velocc 1 worker ≥ 2× DuckDB threads=1"),
	{text: fmt.Sprintf("W4: velocc 1 worker ≥ %s rows/s (10× Velostream's published %s rows/s per partition)",
		benchdoc.Thousands(10*velostreamRate), benchdoc.Thousands(velostreamRate)), profile: "W4",
		check: func(r *results) (string, bool, bool) {
			wr := r.byID["W4"]
			if wr == nil {
				return "not run", false, false
			}
			m := wr.median(veloccOne)
			return benchdoc.Thousands(int64(m)) + " rows/s", m >= 10*velostreamRate, true
		}},
	ratioTarget("W1", veloccOne, duckOne, 1.2, "W1: velocc 1 worker ≥ 1.2× DuckDB threads=1"),
	ratioTarget("W3", veloccOne, duckOne, 1.2, "W3: velocc 1 worker ≥ 1.2× DuckDB threads=1"),
	ratioTarget("W6", veloccOne, duckOne, 1.5, "W6: velocc 1 worker ≥ 1.5× DuckDB threads=1"),
	{text: fmt.Sprintf("W6: velocc 1 worker ≥ %s rows/s (20× Velostream's published stream–table join figure, %s "+
		"records/s)", benchdoc.Thousands(20*velostreamJoinRate), benchdoc.Thousands(velostreamJoinRate)), profile: "W6",
		check: func(r *results) (string, bool, bool) {
			wr := r.byID["W6"]
			if wr == nil {
				return "not run", false, false
			}
			m := wr.median(veloccOne)
			return benchdoc.Thousands(int64(m)) + " rows/s", m >= 20*velostreamJoinRate, true
		}},
	{text: fmt.Sprintf("W6: table load ≥ %s rows/s from CSV", benchdoc.Thousands(tableLoadRate)), profile: "W6",
		what: profileLoad,
		check: func(r *results) (string, bool, bool) {
			wr := r.byID["W6"]
			if wr == nil || len(wr.loads) == 0 {
				return "not run", false, false
			}
			m := median(wr.loadRates())
			return benchdoc.Thousands(int64(m)) + " rows/s", m >= tableLoadRate, true
		}},
	{text: fmt.Sprintf("rt: %s ≥ %s lookups/s (Velostream's OptimizedTableImpl: 1,850,000)", lookupCase,
		benchdoc.Thousands(lookupRate)), profile: "W6", what: profileMicro,
		check: func(r *results) (string, bool, bool) {
			wr := r.byID["W6"]
			if wr == nil {
				return "not run", false, false
			}
			i := slices.IndexFunc(wr.micro, func(m microResult) bool { return m.name == lookupCase })
			if i < 0 {
				return "not run", false, false
			}
			rate := 1e9 / wr.micro[i].ns
			return benchdoc.Thousands(int64(rate)) + " lookups/s", rate >= lookupRate, true
		}},
	ratioTarget("W7", veloccOne, duckOne, 1.0, "W7: velocc 1 worker ≥ 1.0× DuckDB threads=1"),
	ratioTarget("W8", veloccOne, veloccFused, 0.8,
		"W8: the chain of three queries ≥ 0.8× the fused query's throughput (velocc 1 worker each)"),
	ratioTarget("W9", veloccOne, duckOne, 1.5, "W9: velocc 1 worker ≥ 1.5× DuckDB threads=1"),
	ratioTarget("W10", veloccOne, duckOne, 1.5, "W10: velocc 1 worker ≥ 1.5× DuckDB threads=1"),
	ratioTarget("W11", veloccOne, duckOne, 1.5, "W11: velocc 1 worker ≥ 1.5× DuckDB threads=1"),
	{text: "W5: velocc 1 worker peak RSS ≤ 3× DuckDB threads=1's", profile: "W5",
		check: func(r *results) (string, bool, bool) {
			wr := r.byID["W5"]
			if wr == nil {
				return "not run", false, false
			}
			x := float64(wr.peakRSS(veloccOne)) / float64(wr.peakRSS(duckOne))
			return fmt.Sprintf("%.2f× (%s vs %s)", x, mebibytes(wr.peakRSS(veloccOne)), mebibytes(wr.peakRSS(duckOne))),
				x <= 3, true
		}},
	{text: fmt.Sprintf("every job: velocc build + go build ≤ %.0f s (warm build cache)", buildLimit),
		check: func(r *results) (string, bool, bool) {
			worst, id := 0.0, ""
			for _, wr := range r.rows {
				if wr.build > worst {
					worst, id = wr.build, wr.w.id
				}
				if wr.fusedBuild > worst {
					worst, id = wr.fusedBuild, wr.w.id+" fused"
				}
			}
			if id == "" {
				return "not run", false, false
			}
			return fmt.Sprintf("slowest %.1f s (%s)", worst, id), worst <= buildLimit, true
		}},
}
