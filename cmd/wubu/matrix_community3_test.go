package main

import "github.com/wubu-oss/wubu"

// The routes of notices' attachments, the "four pests" schedule (C4),
// residents' e-mail for notices, survey links (H4) and the community API:
// prospects (custodian and manager only, past the route's permission),
// the anticipated-issue register, the handbook and local resources.
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /bulletins/{id}/files/{file}": {allow: residentViewers, missingOK: true},
		"POST /four-pests":                 {allow: managers, body: "project={project}&enabled=1&day=5&month=6&board_days=7&title=除四害&body=请清除积水"},
		"POST /residents/{id}/email":       {allow: residentEditors, card: wubu.CardOptOuts, body: "email=zhang@example.com"},
		"POST /survey-forms/{id}/links":    {allow: residentEditors},
		"GET /s/{token}":                   {public: true},
		"POST /s/{token}":                  {public: true, body: "q1=x"},

		"GET /api/v1/projects/{id}/prospects":       {allow: managers},
		"POST /api/v1/projects/{id}/prospects":      {allow: managers, body: `{"name":"张三","address":"北京市朝阳区1号","unit":"1-1-101"}`},
		"GET /api/v1/projects/{id}/focus-issues":    {allow: residentViewers},
		"POST /api/v1/projects/{id}/focus-issues":   {allow: residentEditors, body: `{"title":"车库渗水","source":"staff","households":40,"severity":3,"owner_id":{user}}`},
		"GET /api/v1/focus-issues/{id}":             {allow: residentViewers},
		"POST /api/v1/focus-issues/{id}/follow-ups": {allow: residentEditors, body: `{"action":"回访业主","owner_id":{user},"due_at":"2099-01-01T00:00:00Z"}`},
		"POST /api/v1/focus-follow-ups/{id}/done":   {allow: residentEditors, body: `{"note":"已回访"}`},
		"GET /api/v1/projects/{id}/handbook":        {allow: everyone},
		"GET /api/v1/projects/{id}/local-resources": {allow: everyone},
		"GET /api/v1/bulletins/{id}":                {allow: residentViewers},
		"GET /api/v1/projects/{id}/four-pests":      {allow: residentViewers},
		"PUT /api/v1/projects/{id}/four-pests":      {allow: managers, body: `{"day":5,"months":[6,7],"title":"除四害","body":"请清除积水","board_days":7,"enabled":true}`},
		"POST /api/v1/survey-forms/{id}/links":      {allow: residentEditors},
	}, nil)
}
