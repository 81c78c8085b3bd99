package main

import "github.com/wubu-oss/wubu"

// The channels' routes: every staff member's own WeCom userid and channel
// preference, a project's WeChat and WeCom settings (managers), and a
// resident's channels on the customer card (with the notification part).
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /account/channels":         {allow: everyone},
		"POST /account/channels":        {allow: everyone, body: "wecom_userid=&first=inbox&then="},
		"GET /projects/{id}/channels":   {allow: managers},
		"POST /projects/{id}/channels":  {allow: managers, body: "wecom_robot_key="},
		"POST /residents/{id}/channels": {allow: residentEditors, card: wubu.CardOptOuts, body: "first=sms&then="},
		// The resident's own, in the portal.
		"GET /my/notifications":        {portal: true},
		"POST /my/notifications":       {portal: true, body: "first=sms&then="},
		"GET /my/wechat/link":          {portal: true},
		"GET /my/wechat/link/callback": {portal: true},
		// WeChat's server URL: public, each request signed by WeChat.
		"GET /wechat/server":  {public: true},
		"POST /wechat/server": {public: true, body: "<xml></xml>"},
	}, nil)
}
