module github.com/velocc/velocc

go 1.26

require github.com/alecthomas/participle/v2 v2.1.4

require (
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/shopspring/decimal v1.6.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)
