// Package notify renders and delivers Wubu's notifications: the templates of
// each kind of message in zh-CN and English, the channels (in-app inbox,
// e-mail over SMTP, SMS through a provider — Alibaba Cloud's dysmsapi —
// and signed webhooks) and the Dispatcher, the delivery loop that claims
// due messages of the outbox (internal/sqlstore) and sends them.
//
// # Adding a kind of message
//
// Add templates/<kind>.json with the subject and body in each language
// ("zh-CN" first, "en"), as text/template text over the notification's
// Vars ({{.name}}; a missing variable renders empty), and, for SMS through
// Alibaba Cloud, the code of the template registered with the provider
// ("sms_template_code"; without one the provider's default template gets the
// rendered body as its ${content}). The kind is then known to Notify:
// Kinds lists it and the outbox screen filters by it.
package notify

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"text/template"
)

//go:embed templates/*.json
var templateFS embed.FS

// langTemplate is a kind's message in one language.
type langTemplate struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`

	subject, body *template.Template
}

// kindTemplates is a kind's templates file.
type kindTemplates struct {
	ZH      *langTemplate `json:"zh-CN"`
	EN      *langTemplate `json:"en"`
	SMSCode string        `json:"sms_template_code"`
}

var templates = mustLoadTemplates()

func mustLoadTemplates() map[string]*kindTemplates {
	out, err := loadTemplates(templateFS)
	if err != nil {
		panic(err)
	}
	return out
}

func loadTemplates(fsys fs.FS) (map[string]*kindTemplates, error) {
	names, err := fs.Glob(fsys, "templates/*.json")
	if err != nil {
		return nil, err
	}
	out := map[string]*kindTemplates{}
	for _, name := range names {
		kind := strings.TrimSuffix(path.Base(name), ".json")
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var kt kindTemplates
		if err := json.Unmarshal(data, &kt); err != nil {
			return nil, fmt.Errorf("notification template %s: %w", name, err)
		}
		if kt.ZH == nil || kt.EN == nil {
			return nil, fmt.Errorf("notification template %s: zh-CN and en are both required", name)
		}
		for _, lt := range []*langTemplate{kt.ZH, kt.EN} {
			if lt.subject, err = template.New(kind).Option("missingkey=zero").Parse(lt.Subject); err != nil {
				return nil, fmt.Errorf("notification template %s subject: %w", name, err)
			}
			if lt.body, err = template.New(kind).Option("missingkey=zero").Parse(lt.Body); err != nil {
				return nil, fmt.Errorf("notification template %s body: %w", name, err)
			}
		}
		out[kind] = &kt
	}
	return out, nil
}

// HasKind reports whether messages of the kind have templates.
func HasKind(kind string) bool { return templates[kind] != nil }

// Kinds returns the kinds of message with templates, sorted.
func Kinds() []string {
	out := make([]string, 0, len(templates))
	for k := range templates {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// SMSTemplateCode returns the provider's template code of a kind, if any.
func SMSTemplateCode(kind string) string {
	if kt := templates[kind]; kt != nil {
		return kt.SMSCode
	}
	return ""
}

// Render renders a message of the kind in the language ("en", else
// zh-CN) with its variables.
func Render(kind, lang string, vars map[string]string) (subject, body string, err error) {
	kt := templates[kind]
	if kt == nil {
		return "", "", fmt.Errorf("no template for notification kind %q", kind)
	}
	lt := kt.ZH
	if lang == "en" {
		lt = kt.EN
	}
	if vars == nil {
		vars = map[string]string{}
	}
	var sb, bb bytes.Buffer
	if err := lt.subject.Execute(&sb, vars); err != nil {
		return "", "", err
	}
	if err := lt.body.Execute(&bb, vars); err != nil {
		return "", "", err
	}
	return sb.String(), bb.String(), nil
}
