// Package openapi holds the OpenAPI 3.1 document of Wubu's JSON API
// (openapi.json), served at /api/v1/openapi.json and drawn as a page at
// /api-docs. A test in cmd/wubu keeps it true to the route table and
// validates real responses against its schemas.
package openapi

import (
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
)

// JSON is the document as served.
//
//go:embed openapi.json
var JSON []byte

// Operation is one documented operation, as the readable page lists it.
type Operation struct {
	Method, Path, Summary, Permission, Tag string
}

// Operations returns the document's operations, by tag and path.
func Operations() ([]Operation, error) {
	var doc struct {
		Paths map[string]map[string]struct {
			Summary    string   `json:"summary"`
			Tags       []string `json:"tags"`
			Permission string   `json:"x-permission"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(JSON, &doc); err != nil {
		return nil, err
	}
	var out []Operation
	for path, ops := range doc.Paths {
		for method, op := range ops {
			o := Operation{Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Permission: op.Permission}
			if len(op.Tags) > 0 {
				o.Tag = op.Tags[0]
			}
			out = append(out, o)
		}
	}
	order := map[string]int{"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}
	slices.SortFunc(out, func(a, b Operation) int {
		if c := strings.Compare(a.Tag, b.Tag); c != 0 {
			return c
		}
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return order[a.Method] - order[b.Method]
	})
	return out, nil
}
