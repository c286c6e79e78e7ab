package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// The reference tables of enrichment.sql, written by -tables DIR: they depend on the symbol list alone.

// sectors gives each symbol's sector; the instruments table holds every traded symbol and two that are not traded.
var sectors = map[string]string{
	"AAPL": "Technology", "MSFT": "Technology", "NVDA": "Semiconductors", "AMZN": "Consumer", "GOOGL": "Communication",
	"META": "Communication", "TSLA": "Consumer", "AMD": "Semiconductors", "NFLX": "Communication", "INTC": "Semiconductors",
	"ORCL": "Technology", "CRM": "Technology", "ADBE": "Technology", "AVGO": "Semiconductors", "QCOM": "Semiconductors",
	"CSCO": "Technology", "PEP": "Staples", "KO": "Staples", "JPM": "Financials", "V": "Financials",
}

// notScheduled are symbols the trading schedule has in its auction session only; clearedForSize are the symbols the
// watchlist clears for large orders. instrumentsLeft are symbols the instruments table lacks (their orders are
// enriched with NULLs), and extra ones it has without orders.
var (
	notScheduled    = map[string]bool{"INTC": true, "KO": true}
	clearedForSize  = map[string]bool{"AAPL": true, "MSFT": true, "NVDA": true, "AMZN": true, "GOOGL": true, "JPM": true, "V": true}
	instrumentsLeft = map[string]bool{"PEP": true}
	extraSymbols    = []string{"IBM", "UBER"}
)

// writeTables writes instruments.csv, watchlist.csv and schedule.csv into dir.
func writeTables(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var ins, watch, sched bytes.Buffer
	ins.WriteString("symbol,sector,tick_size\n")
	watch.WriteString("symbol,cleared_for_size\n")
	sched.WriteString("symbol,session\n")
	for _, s := range symbols {
		if !instrumentsLeft[s.name] {
			// Prices above 1000 trade in ticks of 0.05, the others in cents.
			tick := "0.01"
			if s.base >= 10_000_000 {
				tick = "0.05"
			}
			fmt.Fprintf(&ins, "%s,%s,%s\n", s.name, sectors[s.name], tick)
		}
		fmt.Fprintf(&watch, "%s,%v\n", s.name, clearedForSize[s.name])
		session := "regular"
		if notScheduled[s.name] {
			session = "auction"
		}
		fmt.Fprintf(&sched, "%s,%s\n", s.name, session)
	}
	for _, x := range extraSymbols {
		fmt.Fprintf(&ins, "%s,Technology,0.01\n", x)
	}
	for name, b := range map[string]*bytes.Buffer{"instruments.csv": &ins, "watchlist.csv": &watch, "schedule.csv": &sched} {
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
