package compiler

var jsonBuiltins = []*builtin{}
