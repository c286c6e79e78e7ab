// Tables built by queries: CREATE TABLE name AS SELECT ... GROUP BY ... keeps its groups as the rows of a table
// that later statements join, keyed by the GROUP BY keys; and the order the job loads its tables in.
package compiler

import (
	"fmt"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// queryTable makes q, a CREATE TABLE ... AS SELECT, the table it names: its output columns are the table's
// columns and its GROUP BY keys, which must be output columns, its primary key. It reports whether q is such a
// query.
func (c *checker) queryTable(q *Query, sel *grammar.Select, name *grammar.Ident) bool {
	switch {
	case !q.Grouped || len(q.Keys) == 0 || q.Distinct:
		c.errorf(CodeUnsupported, sel.Span(), "a table built by a query needs GROUP BY: its keys are the table's primary key (or write CREATE STREAM %s AS SELECT ...)", name.Name)
		return false
	case q.Window != nil:
		c.errorf(CodeUnsupported, sel.Window.Span(), "a table built by a windowed query is not supported yet: its groups would be per window")
		return false
	case q.Emit == EmitFinal:
		c.errorf(CodeUnsupported, sel.Emit.Span(), "a table built by a query changes as its groups change: use EMIT CHANGES (the default), not EMIT FINAL")
		return false
	}
	if q.Source.Type == "kafka_source" {
		c.errorf(CodeUnsupported, sel.From.Span(), "a table built by a query over the Kafka stream %q is not supported yet", q.Source.Name)
		return false
	}
	t := &Source{Name: name.Name, GoName: uniqueGoName(c.goNames, name.Name), IsTable: true, Type: "query", Loc: q.Loc, Query: q}
	goNames := map[string]int{}
	for i, col := range q.Columns {
		t.Fields = append(t.Fields, &Field{Name: col.Name, GoName: uniqueGoName(goNames, col.Name), Index: i, Type: col.Type, Nullable: true})
	}
	for _, k := range q.Keys {
		var key *Field
		for i, col := range q.Columns {
			if ref, ok := col.Expr.(*KeyRef); ok && ref.Key == k {
				key = t.Fields[i]
				break
			}
		}
		if key == nil {
			c.errorf(CodeUnsupported, sel.GroupBy.Span(), "GROUP BY key %s must be a column of the SELECT list: the keys are the primary key of table %q", k.Name, name.Name)
			return false
		}
		t.PrimaryKey = append(t.PrimaryKey, key)
	}
	q.Table = t
	c.sources[strings.ToLower(name.Name)] = t
	c.plan.Tables = append(c.plan.Tables, t)
	return true
}

// feeds returns the stream that fills table t: its own source for a table built by a query; nil for a table
// with an input of its own.
func feeds(t *Source) *Source {
	if t.Query != nil {
		return t.Query.Source
	}
	return nil
}

// loadWaves orders the job's loads: every table with an input of its own loads first; a stream that fills a table
// built by a query that another stream reads loads after the tables its own queries read. It returns the waves
// (the names of what loads together, in script order) and each loading stream's wave; a cycle (a stream that would
// wait for itself) is reported and gives no waves.
func (c *checker) loadWaves() {
	p := c.plan
	// deps: what a source waits for before its records flow: the streams filling the tables its queries read
	// (other than itself), and the tables with inputs (wave 1).
	deps := map[*Source][]*Source{}
	why := map[[2]*Source]*Query{} // the query that makes a source wait for another
	reads := map[*Source]bool{}    // tables some query reads
	loading := map[*Source]bool{}  // streams other streams wait for
	for _, q := range p.Queries {
		for _, j := range append(q.Joins[:len(q.Joins):len(q.Joins)], q.SubTables...) {
			if j.Stream {
				continue // a join of two streams reads both as they come
			}
			reads[j.Table] = true
			w := j.Table
			if f := feeds(j.Table); f != nil {
				w = f
			}
			if w == q.Source || containsSource(deps[q.Source], w) {
				continue
			}
			deps[q.Source] = append(deps[q.Source], w)
			why[[2]*Source{q.Source, w}] = q
			if !w.IsTable {
				loading[w] = true
			}
		}
	}
	wave := map[*Source]int{}
	state := map[*Source]int{} // 1: visiting, 2: done
	var stack []*Source
	var visit func(s *Source) bool
	visit = func(s *Source) bool {
		switch state[s] {
		case 1:
			i := len(stack) - 1
			for stack[i] != s {
				i--
			}
			var names []string
			for _, x := range append(stack[i:], s) {
				names = append(names, x.Name)
			}
			at := why[[2]*Source{stack[len(stack)-1], s}].Loc
			sp := grammar.Span{Start: grammar.Pos{File: at.File, Offset: at.Off, Line: at.Line, Col: at.Col}, End: grammar.Pos{File: at.File, Offset: at.End, Line: at.Line, Col: at.Col}}
			c.errorf(CodeUnsupported, sp, "these streams would wait for each other to be read to their end: %s (a stream waits for the streams that fill the tables its queries read)", strings.Join(names, " -> "))
			return false
		case 2:
			return true
		}
		state[s] = 1
		stack = append(stack, s)
		w := 1
		if !s.IsTable {
			for _, d := range deps[s] {
				if !visit(d) {
					return false
				}
				w = max(w, wave[d]+1)
			}
		}
		stack = stack[:len(stack)-1]
		state[s] = 2
		wave[s] = w
		return true
	}
	for _, s := range p.Sources {
		if (s.IsTable && reads[s]) || loading[s] {
			if !visit(s) {
				return
			}
			s.Wave = wave[s]
		}
	}
}

func containsSource(ss []*Source, s *Source) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// loadWaves lists what the job loads before its other streams, wave by wave: tables with inputs of their own,
// then the streams that fill tables built by queries, each after what its own queries read.
func loadWaves(p *Plan) [][]string {
	var waves [][]string
	for _, s := range p.Sources {
		if s.Wave == 0 {
			continue
		}
		for len(waves) < s.Wave {
			waves = append(waves, nil)
		}
		name := s.Name
		if !s.IsTable {
			var tables []string
			for _, t := range p.Tables {
				if t.Query.Source == s {
					tables = append(tables, t.Name)
				}
			}
			name = fmt.Sprintf("%s (read to its end first: it fills %s)", s.Name, strings.Join(tables, ", "))
		}
		waves[s.Wave-1] = append(waves[s.Wave-1], name)
	}
	return waves
}
