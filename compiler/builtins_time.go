package compiler

var timeBuiltins = []*builtin{}
