package main

// The channels' routes: every staff member's own WeCom userid and channel
// preference, and a project's WeChat and WeCom settings (managers).
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /account/channels":        {allow: everyone},
		"POST /account/channels":       {allow: everyone, body: "wecom_userid=&first=inbox&then="},
		"GET /projects/{id}/channels":  {allow: managers},
		"POST /projects/{id}/channels": {allow: managers, body: "wecom_robot_key="},
	}, nil)
}
