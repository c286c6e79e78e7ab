// Command gen writes synthetic order flow for the order-flow imbalance example (../orderflow.sql) as JSON lines.
//
//	go run ./examples/trading/gen -n 200000 -seed 1 -o examples/trading/data/orders.jsonl
//
// Each line is one order of the order_book_stream schema:
//
//	{"symbol":"AAPL","side":"BUY","quantity":300,"price":189.8450,"event_time":1717421400012}
//
// Orders arrive at an even rate over -minutes minutes of event time from -start (epoch milliseconds), spread over 20
// symbols with uneven activity. Sides are nearly balanced (45–55% BUY per symbol and minute), quantities are 1..2000
// (mostly round lots), prices are a random walk in ticks of 0.0001 around each symbol's base price, and event times
// are jittered by up to ±750 ms, so lines are slightly out of order; orderflow.sql allows 2 s of out-of-orderness.
//
// Into this background the generator injects bursts: in a chosen minute one symbol trades three times its usual
// rate with 85% of its orders on one side, so that window's volume is far above 10000 and over 70% BUY or SELL —
// exactly what the query's HAVING reports. The bursts are listed on stderr, so the job's alerts can be checked
// against them. The output is a function of the flags alone: the same seed gives the same bytes. With -n of a
// million or more, progress is reported on stderr every 10%.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// symbol is one instrument: its ticker, base price in ticks of 0.0001 and relative order rate.
type symbol struct {
	name   string
	base   int64 // ticks
	weight int
}

// symbols are the instruments traded; weights make the large caps busier without starving the rest.
var symbols = []symbol{
	{"AAPL", 1_898_500, 10}, {"MSFT", 4_152_000, 9}, {"NVDA", 1_150_250, 10}, {"AMZN", 1_841_200, 8},
	{"GOOGL", 1_732_100, 7}, {"META", 4_963_400, 7}, {"TSLA", 1_780_800, 9}, {"AMD", 1_617_500, 6},
	{"NFLX", 6_398_900, 4}, {"INTC", 309_600, 5}, {"ORCL", 1_186_400, 4}, {"CRM", 2_338_300, 4},
	{"ADBE", 4_823_000, 4}, {"AVGO", 14_055_000, 4}, {"QCOM", 2_081_100, 4}, {"CSCO", 466_200, 4},
	{"PEP", 1_710_500, 4}, {"KO", 631_300, 4}, {"JPM", 2_003_600, 5}, {"V", 2_742_900, 4},
}

// progressMin is the smallest -n that reports progress on stderr: smaller files take well under a second.
const progressMin = 1_000_000

// config is what the flags set.
type config struct {
	n       int    // orders to write
	seed    uint64 // random seed; the output depends on nothing else
	start   int64  // event time of the first order, epoch milliseconds
	minutes int    // span of event time
	bursts  int    // one-sided bursts to inject; -1 picks about one every two minutes
}

// burst is one injected imbalance: symbol sym trades one-sidedly during minute (counted from start).
type burst struct {
	minute int
	sym    int
	buy    bool
}

// summary describes what generate wrote.
type summary struct {
	orders int
	bursts []burst
}

func main() {
	var cfg config
	var out string
	flag.IntVar(&cfg.n, "n", 200_000, "number of orders")
	flag.Uint64Var(&cfg.seed, "seed", 1, "random seed (the same seed gives the same file)")
	flag.StringVar(&out, "o", "-", "output file, or - for stdout; missing directories are created")
	flag.Int64Var(&cfg.start, "start", 1717421400000, "event time of the first order, epoch milliseconds (default 2024-06-03T13:30:00Z)")
	flag.IntVar(&cfg.minutes, "minutes", 30, "minutes of event time the orders span")
	flag.IntVar(&cfg.bursts, "bursts", -1, "one-sided bursts to inject (default: one per two minutes)")
	tables := flag.String("tables", "", "also write the reference tables of enrichment.sql (instruments.csv, watchlist.csv, schedule.csv) into this directory")
	flag.Parse()
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected argument %q", flag.Arg(0)))
	}
	if *tables != "" {
		if err := writeTables(*tables); err != nil {
			fail(err)
		}
	}
	if err := run(cfg, out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "gen: %v\n", err)
	os.Exit(1)
}

// run writes the orders to out and reports the bursts on stderr.
func run(cfg config, out string) error {
	w := io.Writer(os.Stdout)
	var f *os.File
	if out != "-" {
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		var err error
		if f, err = os.Create(out); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	var progress io.Writer
	if cfg.n >= progressMin {
		progress = os.Stderr
	}
	sum, err := generate(w, cfg, progress)
	if err != nil {
		return err
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return err
		}
	}
	dest := out
	if out == "-" {
		dest = "stdout"
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %d orders for %d symbols to %s, with %d one-sided bursts:\n", sum.orders, len(symbols), dest, len(sum.bursts))
	for _, b := range sum.bursts {
		side := "SELL"
		if b.buy {
			side = "BUY"
		}
		from := time.UnixMilli(cfg.start + int64(b.minute)*60_000).UTC()
		fmt.Fprintf(os.Stderr, "gen:   %s  %-5s %-4s  (window ending %d)\n", from.Format("15:04"), symbols[b.sym].name, side, windowEnd(cfg.start, b.minute))
	}
	return nil
}

// windowEnd is the end of the one-minute tumbling window holding minute m, as the job prints it (analysis_time).
func windowEnd(start int64, m int) int64 {
	t := start + int64(m)*60_000
	return t - t%60_000 + 60_000
}

// generate writes cfg.n orders as JSON lines to w, reporting progress every 10% to progress if it is not nil.
func generate(w io.Writer, cfg config, progress io.Writer) (summary, error) {
	if cfg.n < 0 || cfg.minutes < 1 {
		return summary{}, errors.New("need -n ≥ 0 and -minutes ≥ 1")
	}
	rng := rand.New(rand.NewPCG(cfg.seed, 0x6f72646572666c6f)) // "orderflo"
	bursts := planBursts(rng, cfg)
	burstAt := map[int]burst{}
	for _, b := range bursts {
		burstAt[b.minute] = b
	}

	// Per-minute buy probability of each symbol: balanced, with a little drift so minutes differ.
	buyP := make([][]float64, cfg.minutes)
	for m := range buyP {
		buyP[m] = make([]float64, len(symbols))
		for s := range symbols {
			buyP[m][s] = 0.45 + 0.10*rng.Float64()
		}
	}
	price := make([]int64, len(symbols))
	total := 0
	for i, s := range symbols {
		price[i] = s.base
		total += s.weight
	}

	bw := bufio.NewWriterSize(w, 1<<20)
	span := int64(cfg.minutes) * 60_000
	end := cfg.start + span
	step := max(cfg.n/10, 1)
	var line []byte
	for i := 0; i < cfg.n; i++ {
		nominal := cfg.start + int64(float64(i)*float64(span)/float64(cfg.n))
		minute := int((nominal - cfg.start) / 60_000)

		// Pick a symbol by weight; a bursting symbol counts three times.
		b, bursting := burstAt[minute]
		sum := total
		if bursting {
			sum += 2 * symbols[b.sym].weight
		}
		r := rng.IntN(sum)
		sym := len(symbols) - 1
		for j, s := range symbols {
			wt := s.weight
			if bursting && j == b.sym {
				wt *= 3
			}
			if r < wt {
				sym = j
				break
			}
			r -= wt
		}

		buy := rng.Float64() < buyP[minute][sym]
		if bursting && sym == b.sym {
			oneSided := rng.Float64() < 0.85
			buy = oneSided == b.buy
		}

		// Round lots most of the time, odd lots otherwise.
		qty := int64(1 + rng.IntN(2000))
		if rng.IntN(10) < 6 {
			qty = int64(100 * (1 + rng.IntN(20)))
		}

		// A random walk of a few ticks, pulled back towards the base price so it stays near it.
		p := price[sym]
		p += int64(rng.IntN(41)) - 20 + (symbols[sym].base-p)/500
		if p < 1 {
			p = 1
		}
		price[sym] = p

		ts := nominal + int64(rng.IntN(1501)) - 750
		ts = max(cfg.start, min(ts, end-1))

		side := "SELL"
		if buy {
			side = "BUY"
		}
		line = appendOrder(line[:0], symbols[sym].name, side, qty, p, ts)
		if _, err := bw.Write(line); err != nil {
			return summary{}, err
		}
		if progress != nil && (i+1)%step == 0 {
			fmt.Fprintf(progress, "gen: %d/%d orders\n", i+1, cfg.n)
		}
	}
	if err := bw.Flush(); err != nil {
		return summary{}, err
	}
	return summary{orders: cfg.n, bursts: bursts}, nil
}

// planBursts picks the minutes and symbols of the one-sided bursts, at most one per minute, in minute order.
func planBursts(rng *rand.Rand, cfg config) []burst {
	k := cfg.bursts
	if k < 0 {
		k = cfg.minutes / 2
	}
	k = min(k, cfg.minutes)
	minutes := rng.Perm(cfg.minutes)[:k]
	taken := make([]bool, cfg.minutes)
	for _, m := range minutes {
		taken[m] = true
	}
	var out []burst
	for m, ok := range taken {
		if ok {
			out = append(out, burst{minute: m, sym: rng.IntN(len(symbols)), buy: rng.IntN(2) == 0})
		}
	}
	return out
}

// appendOrder appends one order as a JSON line. The price is written from its ticks, so it always has exactly four
// decimals and never passes through a float.
func appendOrder(b []byte, sym, side string, qty, ticks, ts int64) []byte {
	b = append(b, `{"symbol":"`...)
	b = append(b, sym...)
	b = append(b, `","side":"`...)
	b = append(b, side...)
	b = append(b, `","quantity":`...)
	b = strconv.AppendInt(b, qty, 10)
	b = append(b, `,"price":`...)
	b = strconv.AppendInt(b, ticks/10_000, 10)
	b = append(b, '.')
	frac := strconv.AppendInt(nil, ticks%10_000, 10)
	for range 4 - len(frac) {
		b = append(b, '0')
	}
	b = append(b, frac...)
	b = append(b, `,"event_time":`...)
	b = strconv.AppendInt(b, ts, 10)
	return append(b, "}\n"...)
}
