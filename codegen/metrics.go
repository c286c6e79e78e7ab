// Metrics from SQL: each query holds the metrics its statement's "-- @metric:" annotations declare, registered
// in setup, and measures every row it writes (not a retraction) where it writes it.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// metricFields are the fields of q that hold its statement's metrics.
func metricFields(q *compiler.Query) []jen.Code {
	var fields []jen.Code
	for _, m := range q.Metrics {
		fields = append(fields, jen.Id(m.GoName).Op("*").Qual(rtPath, "Metric").Comment(commentf("@metric: %s (%s:%d)", m.Name, m.Loc.File, m.Loc.Line)))
	}
	return fields
}

var metricKinds = map[compiler.MetricKind]string{
	compiler.MetricCounter:   "MetricCounter",
	compiler.MetricGauge:     "MetricGauge",
	compiler.MetricHistogram: "MetricHistogram",
}

// setupMetrics emits, in setup, the registration of q's metrics (its operator qv): every lane's operator, and
// every query of a UNION, gets the job's one metric of each name.
func setupMetrics(q *compiler.Query, qv string) []jen.Code {
	var body []jen.Code
	for _, m := range q.Metrics {
		d := jen.Dict{
			jen.Id("Name"): jen.Lit(m.Name),
			jen.Id("Help"): jen.Lit(m.Help),
			jen.Id("Kind"): jen.Qual(rtPath, metricKinds[m.Kind]),
			jen.Id("At"):   jen.Lit(fmt.Sprintf("%s:%d:%d", m.Loc.File, m.Loc.Line, m.Loc.Col)),
		}
		if len(m.Labels) > 0 {
			names := make([]jen.Code, len(m.Labels))
			for i, f := range m.Labels {
				names[i] = jen.Lit(f.Name)
			}
			d[jen.Id("Labels")] = jen.Index().String().Values(names...)
		}
		if len(m.Buckets) > 0 {
			bounds := make([]jen.Code, len(m.Buckets))
			for i, b := range m.Buckets {
				bounds[i] = jen.Lit(b)
			}
			d[jen.Id("Buckets")] = jen.Index().Float64().Values(bounds...)
		}
		if m.MaxSeries > 0 {
			d[jen.Id("MaxSeries")] = jen.Lit(int(m.MaxSeries))
		}
		body = append(body, jen.Id(qv).Dot(m.GoName).Op("=").Id("c").Dot("Metric").Call(jen.Qual(rtPath, "MetricSpec").Values(d)))
	}
	return body
}

// measure emits, where q writes a row of the values vals (not a retraction), the update of each of its metrics:
// when the condition is TRUE and the measured column is not NULL, the row's label values, then the count, the
// value or the observation.
func (g *gen) measure(f *fn, q *compiler.Query, vals []val) {
	for _, m := range q.Metrics {
		f.emit(jen.Comment(commentf("@metric: %s (%s:%d)", m.Name, m.Loc.File, m.Loc.Line)))
		if m.Cond == nil {
			g.measureOne(f, m, vals)
			continue
		}
		f.emit(jen.Block(f.block(func() { g.measureOne(f, m, vals) })...)) // the condition's locals stay in it
	}
}

func (g *gen) measureOne(f *fn, m *compiler.Metric, vals []val) {
	var conds []jen.Code
	if m.Cond != nil {
		saved := f.row
		f.row = map[*compiler.Field]val{}
		for i, fld := range m.Row {
			f.row[fld] = vals[i]
		}
		f.emit(jen.Comment(commentText("@metric_condition: " + compiler.ExprString(m.Cond))))
		c := f.expr(m.Cond)
		f.row = saved
		if c.nonNull {
			conds = append(conds, c.v)
		} else {
			conds = append(conds, jen.Add(c.v).Op("&&").Op("!").Add(c.n))
		}
	}
	var value jen.Code = jen.Lit(1)
	if fld := m.Field; fld != nil {
		v := vals[fld.Index]
		if !v.nonNull {
			conds = append(conds, jen.Op("!").Add(v.n))
		}
		switch fld.Type.Kind {
		case compiler.Double:
			value = v.v
		case compiler.Decimal:
			value = jen.Qual(rtPath, "DecToFloat").Call(v.v, jen.Lit(int(fld.Type.Scale)))
		default:
			value = jen.Float64().Call(v.v)
		}
	}
	update := []jen.Code{jen.Id("mr").Op(":=").Id("q").Dot(m.GoName).Dot("Begin").Call()}
	for _, fld := range m.Labels {
		v := vals[fld.Index]
		args := []jen.Code{v.v}
		if fld.Type.Kind == compiler.Decimal {
			args = append(args, jen.Lit(int(fld.Type.Scale)))
		}
		args = append(args, v.n)
		update = append(update, jen.Id("mr").Dot(rowMethod(fld.Type)).Call(args...).Comment(commentText(fld.Name)))
	}
	end := map[compiler.MetricKind]string{compiler.MetricCounter: "Add", compiler.MetricGauge: "Set", compiler.MetricHistogram: "Observe"}[m.Kind]
	update = append(update, jen.Id("mr").Dot(end).Call(value))
	if len(conds) == 0 {
		f.emit(update...)
		return
	}
	cond := conds[0]
	for _, c := range conds[1:] {
		cond = jen.Add(cond).Op("&&").Add(c)
	}
	f.emit(jen.If(cond).Block(update...))
}
