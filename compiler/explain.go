// Explain renders the typed plan for `velocc explain`.
package compiler

import (
	"fmt"
	"sort"
	"strings"
)

// Explain describes a plan: every source with its schema, and every query with its output columns and types,
// keys, window, accumulators (the state kept per group), emit mode and sink.
func Explain(p *Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "job %s (%s)\n", p.JobName, p.File)
	for _, s := range p.Sources {
		def := "(format from extension)"
		if s.Type == "kafka_source" {
			def = "jsonl"
		}
		fmt.Fprintf(&b, "\nsource %s: %s %s", s.Name, s.URI, formatOr(s.Format, def))
		if s.OnError != "fail" {
			fmt.Fprintf(&b, " on.error=%s", s.OnError)
		}
		b.WriteString("\n")
		for _, f := range s.Fields {
			null := ""
			if !f.Nullable {
				null = " NOT NULL"
			}
			fmt.Fprintf(&b, "  %-20s %s%s\n", f.Name, f.Type, null)
		}
		for _, f := range s.Meta {
			fmt.Fprintf(&b, "  %-20s %s (record metadata)\n", f.Name, f.Type)
		}
		if s.KeyField != nil {
			fmt.Fprintf(&b, "  message key: %s\n", s.KeyField.Name)
		}
		if s.Avro != nil {
			fmt.Fprintf(&b, "  avro schema: %s (%s)\n", s.Avro.File, s.Avro.Record.Name)
		}
		writeOptions(&b, s.Options)
		if s.EventTime != nil {
			fmt.Fprintf(&b, "  event time: %s, watermark = max seen - %dms\n", s.EventTime.Name, s.MaxOutOfOrder)
		}
	}
	for _, q := range p.Queries {
		fmt.Fprintf(&b, "\nquery %s (%s:%d) reads %s, writes %s\n", q.Name, q.Loc.File, q.Loc.Line, q.Source.Name, q.Sink.URI)
		if q.Where != nil {
			fmt.Fprintf(&b, "  where:   %s\n", ExprString(q.Where))
		}
		if q.Grouped {
			keys := make([]string, len(q.Keys))
			for i, k := range q.Keys {
				keys[i] = fmt.Sprintf("%s %s", ExprString(k.Expr), k.Expr.Type())
			}
			if len(keys) == 0 {
				keys = []string{"(one group)"}
			}
			fmt.Fprintf(&b, "  group by: %s\n", strings.Join(keys, ", "))
			if q.Window != nil {
				fmt.Fprintf(&b, "  window:  TUMBLING %dms on %s\n", q.Window.Size, ExprString(q.Window.Time))
			}
			fmt.Fprintf(&b, "  state per group: %d accumulator(s)\n", len(q.Aggs))
			for _, a := range q.Aggs {
				fmt.Fprintf(&b, "    $%d = %s -> %s\n", a.Index, aggString(a), a.Type)
			}
			if q.Having != nil {
				fmt.Fprintf(&b, "  having:  %s\n", ExprString(q.Having))
			}
			fmt.Fprintf(&b, "  emit:    %s\n", q.Emit)
		}
		b.WriteString("  output:\n")
		for _, col := range q.Columns {
			fmt.Fprintf(&b, "    %-20s %-16s = %s\n", col.Name, col.Type, ExprString(col.Expr))
		}
		if k := q.Sink; k.Type == "kafka_sink" {
			switch {
			case len(k.Key) == 1:
				fmt.Fprintf(&b, "  message key: %s\n", k.Key[0])
			case len(k.Key) > 1:
				fmt.Fprintf(&b, "  message key: JSON object of %s\n", strings.Join(k.Key, ", "))
			default:
				b.WriteString("  message key: none\n")
			}
			writeOptions(&b, k.Options)
			if k.Avro != nil {
				file := k.Avro.File
				if file == "" {
					file = "derived from the output columns"
				}
				fmt.Fprintf(&b, "  avro schema (%s): %s\n", file, oneLineJSON(k.Avro.JSON))
			}
		}
	}
	return b.String()
}

// writeOptions lists the settings a source or sink passes to rt (Kafka's, a file's max.line.bytes), sorted.
func writeOptions(b *strings.Builder, opts map[string]string) {
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "  setting: %s = %s\n", k, opts[k])
	}
}

func formatOr(f, def string) string {
	if f == "" {
		return def
	}
	return f
}

func aggString(a *Agg) string {
	d := ""
	if a.Distinct {
		d = "DISTINCT "
	}
	if a.Arg == nil {
		return a.Func.String() + "(*)"
	}
	return a.Func.String() + "(" + d + ExprString(a.Arg) + ")"
}

// ExprString renders a plan expression in SQL-like form; casts inserted by the checker are shown.
func ExprString(e Expr) string {
	switch v := e.(type) {
	case *ColRef:
		return v.Field.Name
	case *Const:
		if v.Null {
			return "NULL"
		}
		switch v.T.Kind {
		case Bool:
			return fmt.Sprint(v.Bool)
		case Int, BigInt, Timestamp, Interval:
			return fmt.Sprint(v.Int)
		case Double:
			return fmt.Sprint(v.Float)
		case Decimal:
			return decConstString(v)
		case Varchar:
			return "'" + strings.ReplaceAll(v.Str, "'", "''") + "'"
		}
	case *Unary:
		if v.Op == OpNot {
			return "NOT " + ExprString(v.X)
		}
		return "-" + ExprString(v.X)
	case *Binary:
		return "(" + ExprString(v.L) + " " + v.Op.String() + " " + ExprString(v.R) + ")"
	case *IsNull:
		if v.Not {
			return ExprString(v.X) + " IS NOT NULL"
		}
		return ExprString(v.X) + " IS NULL"
	case *In:
		parts := make([]string, len(v.List))
		for i, x := range v.List {
			parts[i] = ExprString(x)
		}
		not := ""
		if v.Not {
			not = "NOT "
		}
		return ExprString(v.X) + " " + not + "IN (" + strings.Join(parts, ", ") + ")"
	case *Like:
		not := ""
		if v.Not {
			not = "NOT "
		}
		return ExprString(v.X) + " " + not + "LIKE " + ExprString(v.Pattern)
	case *Case:
		var b strings.Builder
		b.WriteString("CASE")
		for _, w := range v.Whens {
			b.WriteString(" WHEN " + ExprString(w.Cond) + " THEN " + ExprString(w.Then))
		}
		b.WriteString(" ELSE " + ExprString(v.Else) + " END")
		return b.String()
	case *Cast:
		return "CAST(" + ExprString(v.X) + " AS " + v.T.String() + ")"
	case *Func:
		parts := make([]string, len(v.Args))
		for i, x := range v.Args {
			parts[i] = ExprString(x)
		}
		if v.Name == "EXTRACT" {
			return "EXTRACT(" + v.Part + " FROM " + parts[0] + ")"
		}
		return v.Name + "(" + strings.Join(parts, ", ") + ")"
	case *AggRef:
		return fmt.Sprintf("$%d", v.Agg.Index)
	case *KeyRef:
		return ExprString(v.Key.Expr)
	case *WindowBound:
		if v.End {
			return "window_end"
		}
		return "window_start"
	}
	return fmt.Sprintf("%T", e)
}

func decConstString(v *Const) string {
	s := v.Dec.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if sc := int(v.T.Scale); sc > 0 {
		for len(s) <= sc {
			s = "0" + s
		}
		s = s[:len(s)-sc] + "." + s[len(s)-sc:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// oneLineJSON squeezes a schema onto one line for explain.
func oneLineJSON(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
