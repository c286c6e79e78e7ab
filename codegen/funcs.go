// Scalar built-in functions.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

var extractConst = map[string]string{
	"YEAR": "ExtractYear", "QUARTER": "ExtractQuarter", "MONTH": "ExtractMonth", "WEEK": "ExtractWeek",
	"DAY": "ExtractDay", "DOW": "ExtractDOW", "DOY": "ExtractDOY", "HOUR": "ExtractHour", "MINUTE": "ExtractMinute",
	"SECOND": "ExtractSecond", "MILLISECOND": "ExtractMillisecond", "EPOCH": "ExtractEpoch",
}

func (f *fn) call(x *compiler.Func) val {
	switch x.Name {
	case "COALESCE":
		return f.coalesce(x)
	case "LEAST", "GREATEST":
		return f.extreme(x)
	case "CONCAT":
		v := f.tmp("v")
		f.emit(jen.Var().Id(v).String())
		for _, arg := range x.Args {
			a := f.expr(arg)
			if a.nonNull {
				f.emit(jen.Id(v).Op("+=").Add(a.v))
			} else {
				f.emit(jen.If(jen.Op("!").Add(a.n)).Block(jen.Id(v).Op("+=").Add(a.v)))
			}
		}
		return val{v: jen.Id(v), n: jen.False(), nonNull: true}
	case "NOW":
		return f.strict(x.T, jen.False(), true, func(v string) []jen.Code {
			return []jen.Code{jen.Id(v).Op("=").Qual(rtPath, "NowMillis").Call()}
		})
	}
	args := make([]val, len(x.Args))
	for i, a := range x.Args {
		args[i] = f.expr(a)
	}
	nc, nn := jen.Code(jen.False()), true
	for _, a := range args {
		nc, nn = nullOr(val{n: nc, nonNull: nn}, a)
	}
	at := compiler.TInvalid
	if len(x.Args) > 0 {
		at = x.Args[0].Type()
	}
	set := func(v string, c jen.Code) []jen.Code { return []jen.Code{jen.Id(v).Op("=").Add(c)} }
	return f.strict(x.T, nc, nn, func(v string) []jen.Code {
		a := func(i int) jen.Code { return args[i].v }
		switch x.Name {
		case "ABS":
			switch at.Kind {
			case compiler.Double:
				return set(v, jen.Qual("math", "Abs").Call(a(0)))
			case compiler.Decimal:
				return []jen.Code{jen.Id(v).Op("=").Add(a(0)), jen.If(jen.Id(v).Dot("Sign").Call().Op("<").Lit(0)).Block(jen.Id(v).Op("=").Id(v).Dot("Neg").Call())}
			default:
				neg := "NegInt64"
				if at.Kind == compiler.Int {
					neg = "NegInt32"
				}
				return []jen.Code{jen.Id(v).Op("=").Add(a(0)), jen.If(jen.Id(v).Op("<").Lit(0)).Block(
					jen.Var().Id("ok").Bool(),
					jen.List(jen.Id(v), jen.Id("ok")).Op("=").Qual(rtPath, neg).Call(jen.Id(v)),
					jen.If(jen.Op("!").Id("ok")).Block(f.fail(x.Loc, "integer overflow")))}
			}
		case "ROUND":
			digits := x.Args[1].(*compiler.Const).Int
			switch at.Kind {
			case compiler.Double:
				return set(v, jen.Qual(rtPath, "RoundFloat").Call(a(0), jen.Lit(int(digits))))
			case compiler.Decimal:
				return []jen.Code{
					jen.Var().Id("ok").Bool(),
					jen.List(jen.Id(v), jen.Id("ok")).Op("=").Qual(rtPath, "DecRescale").Call(jen.Qual(rtPath, "DecRound").Call(a(0), jen.Lit(int(at.Scale)), jen.Lit(int(digits))), jen.Lit(int(at.Scale)), jen.Lit(int(x.T.Scale))),
					jen.If(jen.Op("!").Id("ok").Op("||").Op("!").Qual(rtPath, "DecFits").Call(jen.Id(v), jen.Lit(int(x.T.Prec)))).Block(f.fail(x.Loc, "value out of range for "+x.T.String())),
				}
			default:
				if digits >= 0 {
					return set(v, a(0))
				}
				out := []jen.Code{
					jen.List(jen.Id("w"), jen.Id("ok")).Op(":=").Qual(rtPath, "DecRound").Call(jen.Qual(rtPath, "I128").Call(jen.Int64().Call(a(0))), jen.Lit(0), jen.Lit(int(digits))).Dot("Int64").Call(),
					jen.If(jen.Op("!").Id("ok")).Block(f.fail(x.Loc, "integer overflow")),
				}
				if at.Kind == compiler.Int {
					out = append(out, jen.If(jen.Id("w").Op("<").Qual("math", "MinInt32").Op("||").Id("w").Op(">").Qual("math", "MaxInt32")).Block(f.fail(x.Loc, "integer overflow")))
				}
				return append(out, jen.Id(v).Op("=").Add(goType(at)).Call(jen.Id("w")))
			}
		case "FLOOR", "CEIL":
			switch at.Kind {
			case compiler.Double:
				return set(v, jen.Qual("math", map[string]string{"FLOOR": "Floor", "CEIL": "Ceil"}[x.Name]).Call(a(0)))
			case compiler.Decimal:
				return set(v, jen.Qual(rtPath, map[string]string{"FLOOR": "DecFloor", "CEIL": "DecCeil"}[x.Name]).Call(a(0), jen.Lit(int(at.Scale))))
			default:
				return set(v, a(0))
			}
		case "SQRT":
			return set(v, jen.Qual("math", "Sqrt").Call(a(0)))
		case "POWER":
			return set(v, jen.Qual("math", "Pow").Call(a(0), a(1)))
		case "UPPER":
			return set(v, jen.Qual(rtPath, "Upper").Call(a(0)))
		case "LOWER":
			return set(v, jen.Qual(rtPath, "Lower").Call(a(0)))
		case "TRIM":
			return set(v, jen.Qual(rtPath, "Trim").Call(a(0)))
		case "LENGTH":
			return set(v, jen.Qual(rtPath, "Length").Call(a(0)))
		case "REPLACE":
			return set(v, jen.Qual(rtPath, "Replace").Call(a(0), a(1), a(2)))
		case "SUBSTRING":
			if len(args) == 3 {
				return set(v, jen.Qual(rtPath, "Substring").Call(a(0), a(1), a(2), jen.True()))
			}
			return set(v, jen.Qual(rtPath, "Substring").Call(a(0), a(1), jen.Lit(0), jen.False()))
		case "EXTRACT":
			return set(v, jen.Qual(rtPath, "Extract").Call(jen.Qual(rtPath, extractConst[x.Part]), a(0)))
		}
		panic(fmt.Sprintf("codegen: unhandled function %s", x.Name))
	})
}

// coalesce evaluates its arguments left to right and stops at the first non-NULL one.
func (f *fn) coalesce(x *compiler.Func) val {
	v, n := f.decl(x.T)
	var arm func(i int) []jen.Code
	arm = func(i int) []jen.Code {
		return f.block(func() {
			a := f.expr(x.Args[i])
			f.emit(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(a.v, a.n))
			if i+1 < len(x.Args) && !a.nonNull {
				f.emit(jen.If(jen.Id(n)).Block(arm(i + 1)...))
			}
		})
	}
	f.emit(arm(0)...)
	return val{v: jen.Id(v), n: jen.Id(n)}
}

// extreme is LEAST/GREATEST: NULL arguments are ignored; the result is NULL only when all are.
func (f *fn) extreme(x *compiler.Func) val {
	v, n := f.decl(x.T)
	f.emit(jen.Id(n).Op("=").True())
	op := compiler.OpLt
	if x.Name == "GREATEST" {
		op = compiler.OpGt
	}
	for _, arg := range x.Args {
		a := f.expr(arg)
		better := jen.Id(n).Op("||").Add(compare(op, x.T, a.v, jen.Id(v)))
		take := jen.If(better).Block(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(a.v, jen.False()))
		if a.nonNull {
			f.emit(take)
		} else {
			f.emit(jen.If(jen.Op("!").Add(a.n)).Block(take))
		}
	}
	return val{v: jen.Id(v), n: jen.Id(n)}
}
