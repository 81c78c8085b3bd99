package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu/internal/api/openapi"
	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/server"
)

func init() {
	addMatrix(map[string]matrixEntry{
		"GET /api/v1/openapi.json": {public: true},
		"GET /api-docs":            {public: true},
	}, nil)
}

// openapiDoc is the part of the OpenAPI document the test reads.
type openapiDoc struct {
	OpenAPI string `json:"openapi"`
	Servers []struct {
		URL string `json:"url"`
	} `json:"servers"`
	Paths map[string]map[string]struct {
		Summary    string `json:"summary"`
		Permission string `json:"x-permission"`
		Responses  map[string]struct {
			Ref     string `json:"$ref"`
			Content map[string]struct {
				Schema map[string]any `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

// TestOpenAPI keeps the OpenAPI document of /api/v1 true: it documents
// every API route of the route table with the permission the route needs,
// and nothing more; a sample of real answers validates against its
// schemas; the document and its readable page are served.
func TestOpenAPI(t *testing.T) {
	a := newDemoApp(t)
	var doc openapiDoc
	if err := json.Unmarshal(openapi.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("document: openapi %q, servers %v", doc.OpenAPI, doc.Servers)
	}

	t.Run("RouteTable", func(t *testing.T) {
		documented := map[string]string{} // "GET /api/v1/me" → permission
		for path, ops := range doc.Paths {
			for method, op := range ops {
				documented[strings.ToUpper(method)+" /api/v1"+path] = op.Permission
				if op.Summary == "" {
					t.Errorf("%s %s has no summary", method, path)
				}
			}
		}
		routes := map[string]bool{}
		for _, rt := range a.Main.Server.Routes() {
			if !rt.API {
				continue
			}
			routes[rt.Pattern()] = true
			perm, ok := documented[rt.Pattern()]
			want := string(rt.Perm)
			if rt.Perm == server.Public {
				want = "public"
			}
			switch {
			case !ok:
				t.Errorf("route %s is not in the OpenAPI document", rt.Pattern())
			case perm != want:
				t.Errorf("%s: documented permission %q, the route needs %q", rt.Pattern(), perm, want)
			}
		}
		for op := range documented {
			if !routes[op] {
				t.Errorf("the OpenAPI document has %s, which no route serves", op)
			}
		}
	})

	t.Run("Responses", func(t *testing.T) {
		assistant, manager := demoAPILogin(t, a, "assistant"), demoAPILogin(t, a, "manager")
		var me struct {
			ID         int64   `json:"id"`
			ProjectIDs []int64 `json:"project_ids"`
		}
		assistant.do("GET", "/api/v1/me", nil, &me)
		pid := itoa(me.ProjectIDs[0])
		var buildings struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		assistant.do("GET", "/api/v1/projects/"+pid+"/buildings", nil, &buildings)
		samples := []struct {
			client       *apiClient
			method, path string // the real request
			op           string // the documented operation
			body         any
		}{
			{nil, "POST", "/api/v1/login", "POST /login", map[string]string{"login": "assistant", "password": seed.Password}},
			{assistant, "GET", "/api/v1/me", "GET /me", nil},
			{assistant, "GET", "/api/v1/projects", "GET /projects", nil},
			{assistant, "GET", "/api/v1/projects/" + pid, "GET /projects/{id}", nil},
			{manager, "PATCH", "/api/v1/projects/" + pid, "PATCH /projects/{id}", map[string]string{}},
			{assistant, "GET", "/api/v1/projects/" + pid + "/buildings", "GET /projects/{id}/buildings", nil},
			{assistant, "GET", "/api/v1/buildings/" + itoa(buildings.Items[0].ID), "GET /buildings/{id}", nil},
			{assistant, "GET", "/api/v1/lookup?q=" + url.QueryEscape("101"), "GET /lookup", nil},
			{assistant, "GET", "/api/v1/agenda", "GET /agenda", nil},
			{manager, "GET", "/api/v1/users/" + itoa(me.ID), "GET /users/{id}", nil},
			{manager, "GET", "/api/v1/projects/" + pid + "/figures?from=2026-11-01&to=2026-12-01&group=week&metric=promise.&metric=order.response", "GET /projects/{id}/figures", nil},
			{demoAPILogin(t, a, "admin"), "POST", "/api/v1/projects", "POST /projects", map[string]string{"code": "OAPI", "name": "接口项目"}},
		}
		sampled := map[string]bool{}
		for _, s := range samples {
			c := s.client
			if c == nil {
				c = &apiClient{t: t, base: a.URL}
			}
			var got any
			status := c.do(s.method, s.path, s.body, &got)
			method, path, _ := strings.Cut(s.op, " ")
			op, ok := doc.Paths[path][strings.ToLower(method)]
			if !ok {
				t.Errorf("%s is not documented", s.op)
				continue
			}
			code := "2XX"
			if status >= 300 {
				code = "default"
			}
			schema := op.Responses[code].Content["application/json"].Schema
			if status == http.StatusMethodNotAllowed || schema == nil && code == "2XX" {
				t.Errorf("%s: status %d, no schema", s.op, status)
				continue
			}
			if code == "default" {
				schema = map[string]any{"$ref": "#/components/schemas/Error"}
			}
			for _, e := range validate(doc.Components.Schemas, schema, got, "$") {
				t.Errorf("%s %s (%d): %s", s.method, s.path, status, e)
			}
			sampled[s.op] = true
		}
		// Every operation with a response schema has a sample.
		for path, ops := range doc.Paths {
			for method, op := range ops {
				if len(op.Responses["2XX"].Content["application/json"].Schema) > 0 && !sampled[strings.ToUpper(method)+" "+path] {
					t.Errorf("%s %s has a response schema but no sample in this test", strings.ToUpper(method), path)
				}
			}
		}
		// Errors are the documented Error.
		var got any
		status := assistant.do("GET", "/api/v1/projects/99999", nil, &got)
		if errs := validate(doc.Components.Schemas, map[string]any{"$ref": "#/components/schemas/Error"}, got, "$"); status != 404 || len(errs) > 0 {
			t.Errorf("an error: status %d, %v", status, errs)
		}
	})

	t.Run("Served", func(t *testing.T) {
		b := a.newBrowser(t)
		resp, body := b.get("/api/v1/openapi.json")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || body != string(openapi.JSON) {
			t.Errorf("openapi.json: status %d, %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		resp, body = b.get("/api-docs")
		if resp.StatusCode != 200 || !strings.Contains(body, "GET /lookup") || !strings.Contains(body, `href="/api/v1/openapi.json"`) {
			t.Errorf("api-docs: status %d", resp.StatusCode)
		}
	})
}

// demoAPILogin signs a demo login in through the API.
func demoAPILogin(t *testing.T, a *testApp, login string) *apiClient {
	t.Helper()
	c := &apiClient{t: t, base: a.URL}
	var res struct {
		Token string `json:"token"`
	}
	if status := c.do("POST", "/api/v1/login", map[string]string{"login": login, "password": seed.Password}, &res); status != 200 || res.Token == "" {
		t.Fatalf("login %s: status %d", login, status)
	}
	c.token = res.Token
	return c
}

// validate checks a decoded JSON value against a JSON Schema (the subset
// the document uses: $ref to components, type or types, required,
// properties, items, enum, minimum, maximum) and returns what does not fit.
func validate(components map[string]map[string]any, schema map[string]any, v any, at string) []string {
	if ref, ok := schema["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		s, ok := components[name]
		if !ok {
			return []string{at + ": unknown schema " + ref}
		}
		return validate(components, s, v, at)
	}
	var errs []string
	if t, ok := schema["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, fmt.Sprint(x))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return jsonType(v, t) }) {
			return []string{fmt.Sprintf("%s: got %T, want %v", at, v, types)}
		}
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
	}
	if n, ok := v.(float64); ok {
		if min, ok := schema["minimum"].(float64); ok && n < min {
			errs = append(errs, fmt.Sprintf("%s: %v below %v", at, n, min))
		}
		if max, ok := schema["maximum"].(float64); ok && n > max {
			errs = append(errs, fmt.Sprintf("%s: %v above %v", at, n, max))
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for _, r := range asSlice(schema["required"]) {
			if _, ok := x[fmt.Sprint(r)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: no %q", at, r))
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for k, pv := range x {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(components, ps, pv, at+"."+k)...)
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range x {
				errs = append(errs, validate(components, items, e, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// jsonType reports whether a decoded JSON value is of a JSON Schema type.
func jsonType(v any, t string) bool {
	switch t {
	case "null":
		return v == nil
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		n, ok := v.(float64)
		return ok && n == float64(int64(n))
	}
	return false
}

// TestOpenAPIValidate: the validator finds what does not fit.
func TestOpenAPIValidate(t *testing.T) {
	comps := map[string]map[string]any{"P": {"type": "object", "required": []any{"id"}, "properties": map[string]any{
		"id": map[string]any{"type": "integer"}, "tags": map[string]any{"type": []any{"array", "null"}, "items": map[string]any{"type": "string"}},
		"kind": map[string]any{"type": "string", "enum": []any{"a", "b"}}}}}
	ref := map[string]any{"$ref": "#/components/schemas/P"}
	for _, c := range []struct {
		json string
		bad  int
	}{
		{`{"id": 1, "tags": ["x"], "kind": "a"}`, 0},
		{`{"id": 1, "tags": null}`, 0},
		{`{"tags": []}`, 1},
		{`{"id": 1.5}`, 1},
		{`{"id": 1, "tags": [1]}`, 1},
		{`{"id": 1, "kind": "c"}`, 1},
		{`[]`, 1},
	} {
		var v any
		json.Unmarshal([]byte(c.json), &v)
		if errs := validate(comps, ref, v, "$"); len(errs) != c.bad {
			t.Errorf("%s: got %v, want %d errors", c.json, errs, c.bad)
		}
	}
}
