package main

// The routes of the sales office's prospect list (K6): past the route's
// permission, only the custodian (none is named here) and the manager.
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /projects/{id}/prospects":            {allow: managers},
		"POST /projects/{id}/prospects":           {allow: managers, body: "name=张三&address=北京市朝阳区1号&unit=1-1-101"},
		"POST /projects/{id}/prospects/custodian": {allow: managers, body: "user_id={user}"},
		"GET /projects/{id}/prospects/export":     {allow: managers},
		"GET /projects/{id}/prospects/labels":     {allow: managers},
	}, nil)
}
