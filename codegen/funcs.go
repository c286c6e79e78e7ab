// Scalar built-in functions.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// call generates a scalar function call from the overload the checker bound it to.
func (f *fn) call(x *compiler.Func) val {
	impl := x.Impl
	switch impl.Form {
	case compiler.FormCoalesce:
		return f.coalesce(x)
	case compiler.FormLeast, compiler.FormGreatest:
		return f.extreme(x)
	case compiler.FormConcat:
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
	case compiler.FormConcatWS:
		return f.concatWS(x)
	case compiler.FormDistinct, compiler.FormNotDistinct:
		return f.distinct(x)
	case compiler.FormToJSON:
		return f.toJSON(x) // nested.go
	case compiler.FormNullAware:
		var params []jen.Code
		for _, arg := range x.Args {
			a := f.expr(arg)
			params = append(params, a.v, a.n)
		}
		v, n := f.decl(x.T)
		f.emit(jen.Block(
			jen.Var().Id("ok").Bool(),
			jen.List(jen.Id(v), jen.Id("ok")).Op("=").Qual(rtPath, impl.Func).Call(params...),
			jen.Id(n).Op("=").Op("!").Id("ok")))
		return val{v: jen.Id(v), n: jen.Id(n)}
	}
	args := make([]val, len(x.Args))
	for i, a := range x.Args {
		if impl.Prep != nil && i == impl.PrepArg {
			args[i] = val{v: jen.Id(impl.Prep.Var), n: jen.False(), nonNull: true}
			continue
		}
		args[i] = f.expr(a)
	}
	nc, nn := jen.Code(jen.False()), true
	for _, a := range args {
		nc, nn = nullOr(val{n: nc, nonNull: nn}, a)
	}
	if impl.Form == compiler.FormIdentity {
		return val{v: args[0].v, n: nc, nonNull: nn}
	}
	params := implConsts(impl.Before)
	for _, a := range args {
		params = append(params, a.v)
	}
	params = append(params, implConsts(impl.After)...)
	pkg := impl.Pkg
	if pkg == "" {
		pkg = rtPath
	}
	call := jen.Qual(pkg, impl.Func).Call(params...)
	if impl.Form == compiler.FormOrNull || impl.Form == compiler.FormOrNullError {
		v, n := f.decl(x.T)
		get := []jen.Code{
			jen.Var().Id("ok").Bool(),
			jen.List(jen.Id(v), jen.Id("ok")).Op("=").Add(call),
			jen.Id(n).Op("=").Op("!").Id("ok"),
		}
		if impl.Form == compiler.FormOrNullError {
			get = []jen.Code{
				jen.Var().Id("ok").Bool(),
				jen.Var().Id("err").Error(),
				jen.List(jen.Id(v), jen.Id("ok"), jen.Id("err")).Op("=").Add(call),
				jen.If(jen.Err().Op("!=").Nil()).Block(f.failWith(x.Loc, jen.Err().Dot("Error").Call())),
				jen.Id(n).Op("=").Op("!").Id("ok"),
			}
		}
		if nn {
			f.emit(jen.Block(get...))
		} else {
			f.emit(jen.Id(n).Op("=").Add(nc), jen.If(jen.Op("!").Id(n)).Block(get...))
		}
		return val{v: jen.Id(v), n: jen.Id(n)}
	}
	return f.strict(x.T, nc, nn, func(v string) []jen.Code {
		switch impl.Form {
		case compiler.FormChecked:
			return []jen.Code{
				jen.Var().Id("ok").Bool(),
				jen.List(jen.Id(v), jen.Id("ok")).Op("=").Add(call),
				jen.If(jen.Op("!").Id("ok")).Block(f.fail(x.Loc, impl.Fail)),
			}
		case compiler.FormOrError:
			return []jen.Code{
				jen.Var().Id("err").Error(),
				jen.List(jen.Id(v), jen.Id("err")).Op("=").Add(call),
				jen.If(jen.Err().Op("!=").Nil()).Block(f.failWith(x.Loc, jen.Err().Dot("Error").Call())),
			}
		case compiler.FormCall:
			return []jen.Code{jen.Id(v).Op("=").Add(call)}
		}
		panic(fmt.Sprintf("codegen: unhandled form %d of %s", impl.Form, impl.ID))
	})
}

// concatWS is CONCAT_WS(sep, args...): the non-NULL arguments joined by sep; NULL when sep is.
func (f *fn) concatWS(x *compiler.Func) val {
	sep := f.expr(x.Args[0])
	v := f.tmp("v")
	f.emit(jen.Var().Id(v).String())
	body := f.block(func() {
		first := f.tmp("first")
		f.emit(jen.Id(first).Op(":=").True())
		for _, arg := range x.Args[1:] {
			a := f.expr(arg)
			add := jen.If(jen.Op("!").Id(first)).Block(jen.Id(v).Op("+=").Add(sep.v)).Line().
				Add(jen.List(jen.Id(v), jen.Id(first)).Op("=").List(jen.Id(v).Op("+").Add(a.v), jen.False()))
			if a.nonNull {
				f.emit(add)
			} else {
				f.emit(jen.If(jen.Op("!").Add(a.n)).Block(add))
			}
		}
		f.emit(jen.Id("_").Op("=").Id(first))
	})
	if sep.nonNull {
		f.emit(body...)
		return val{v: jen.Id(v), n: jen.False(), nonNull: true}
	}
	f.emit(jen.If(jen.Op("!").Add(sep.n)).Block(body...))
	return val{v: jen.Id(v), n: sep.n}
}

// coalesce evaluates its arguments left to right and stops at the first non-NULL one.
func (f *fn) coalesce(x *compiler.Func) val {
	// With a non-NULL argument the result is never NULL, and has no NULL flag to set.
	nullable := compiler.Nullable(x)
	var v, n string
	if nullable {
		v, n = f.decl(x.T)
	} else {
		v = f.tmp("v")
		f.emit(jen.Var().Id(v).Add(goType(x.T)))
	}
	var arm func(i int) []jen.Code
	arm = func(i int) []jen.Code {
		return f.block(func() {
			a := f.expr(x.Args[i])
			isNull := a.n
			if nullable {
				f.emit(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(a.v, a.n))
				isNull = jen.Id(n)
			} else {
				f.emit(jen.Id(v).Op("=").Add(a.v))
			}
			switch {
			case i+1 < len(x.Args) && !a.nonNull:
				f.emit(jen.If(isNull).Block(arm(i + 1)...))
			case !nullable && !a.nonNull:
				// The checker knows this last argument is not NULL when it is reached; its flag goes unread.
				f.emit(jen.Id("_").Op("=").Add(a.n))
			}
		})
	}
	f.emit(arm(0)...)
	if !nullable {
		return val{v: jen.Id(v), n: jen.False(), nonNull: true}
	}
	return val{v: jen.Id(v), n: jen.Id(n)}
}

// extreme is LEAST/GREATEST: NULL arguments are ignored; the result is NULL only when all are.
func (f *fn) extreme(x *compiler.Func) val {
	v, n := f.decl(x.T)
	f.emit(jen.Id(n).Op("=").True())
	op := compiler.OpLt
	if x.Impl.Form == compiler.FormGreatest {
		op = compiler.OpGt
	}
	for _, arg := range x.Args {
		a := f.expr(arg)
		better := jen.Id(n).Op("||").Add(f.compare(op, x.T, a.v, jen.Id(v)))
		take := jen.If(better).Block(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(a.v, jen.False()))
		if a.nonNull {
			f.emit(take)
		} else {
			f.emit(jen.If(jen.Op("!").Add(a.n)).Block(take))
		}
	}
	return val{v: jen.Id(v), n: jen.Id(n)}
}

// distinct is a IS [NOT] DISTINCT FROM b: equality in which NULL equals NULL and differs from every value; never
// NULL.
func (f *fn) distinct(x *compiler.Func) val {
	a, b := f.expr(x.Args[0]), f.expr(x.Args[1])
	eq := f.equal(x.Args[0].Type(), a.v, b.v)
	var same jen.Code
	switch {
	case a.nonNull && b.nonNull:
		same = eq
	case a.nonNull:
		same = jen.Op("!").Add(b.n).Op("&&").Add(eq)
	case b.nonNull:
		same = jen.Op("!").Add(a.n).Op("&&").Add(eq)
	default:
		same = jen.Add(a.n).Op("==").Add(b.n).Op("&&").Parens(jen.Add(a.n).Op("||").Add(eq))
	}
	if x.Impl.Form == compiler.FormDistinct {
		same = jen.Op("!").Parens(same)
	}
	v := f.tmp("v")
	f.emit(jen.Id(v).Op(":=").Add(same))
	return val{v: jen.Id(v), n: jen.False(), nonNull: true}
}
