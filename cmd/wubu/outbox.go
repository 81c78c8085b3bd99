package main

import (
	"context"
	"flag"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
)

// NotifyConfig configures the outbox's channels.
type NotifyConfig struct {
	SMTP notify.SMTPConfig
	// SMS through Alibaba Cloud: no key, no SMS.
	SMSEndpoint, SMSKeyID, SMSKeySecret, SMSSignName, SMSTemplate string
	// WeChat Official Account (residents) and WeCom (staff): no ID and
	// secret, no channel (a WeCom group robot needs only its project's
	// key). Secrets come from the environment or a file, never a flag.
	WeChatAppID, WeChatSecret, WeChatToken, WeChatTemplate, WeChatLinkURL, WeChatBaseURL, WeChatOpenURL string
	WeComCorpID, WeComSecret, WeComBaseURL                                                              string
	WeComAgentID                                                                                        int64
	// Workers is how many messages are sent at once.
	Workers int
	// DemoSink, when set (the demo), takes the SMS and e-mail of the
	// channels not configured, for the demo's sink page.
	DemoSink *notify.DemoSink
}

// addNotifyFlags binds the outbox's flags and their environment variables.
func addNotifyFlags(fs *flag.FlagSet, c *NotifyConfig) {
	port, _ := strconv.Atoi(envOr("WUBU_SMTP_PORT", "25"))
	workers, _ := strconv.Atoi(envOr("WUBU_NOTIFY_WORKERS", "64"))
	fs.StringVar(&c.SMTP.Host, "smtp-host", os.Getenv("WUBU_SMTP_HOST"), "SMTP server `host` for e-mail; none: no e-mail [WUBU_SMTP_HOST]")
	fs.IntVar(&c.SMTP.Port, "smtp-port", port, "SMTP server `port` [WUBU_SMTP_PORT]")
	fs.StringVar(&c.SMTP.From, "smtp-from", envOr("WUBU_SMTP_FROM", "wubu@localhost"), "sender `address` of e-mail [WUBU_SMTP_FROM]")
	fs.StringVar(&c.SMTP.User, "smtp-user", os.Getenv("WUBU_SMTP_USER"), "SMTP `login`, if the server asks for one [WUBU_SMTP_USER]")
	c.SMTP.Pass = os.Getenv("WUBU_SMTP_PASS") // from the environment only: flags show in ps
	fs.StringVar(&c.SMSEndpoint, "sms-endpoint", envOr("WUBU_SMS_ENDPOINT", notify.AliyunEndpoint), "Alibaba Cloud SMS API `URL` [WUBU_SMS_ENDPOINT]")
	fs.StringVar(&c.SMSKeyID, "sms-key-id", os.Getenv("WUBU_SMS_KEY_ID"), "Alibaba Cloud AccessKey `ID`; none: no SMS [WUBU_SMS_KEY_ID]")
	c.SMSKeySecret = os.Getenv("WUBU_SMS_KEY_SECRET")
	fs.StringVar(&c.SMSSignName, "sms-sign-name", envOr("WUBU_SMS_SIGN_NAME", "物业服务中心"), "registered SMS signature `name` [WUBU_SMS_SIGN_NAME]")
	fs.StringVar(&c.SMSTemplate, "sms-template", os.Getenv("WUBU_SMS_TEMPLATE"), "default SMS template `code`, with one variable ${content} [WUBU_SMS_TEMPLATE]")
	fs.IntVar(&c.Workers, "notify-workers", workers, "messages sent at once [WUBU_NOTIFY_WORKERS]")
	fs.StringVar(&c.WeChatAppID, "wechat-appid", os.Getenv("WUBU_WECHAT_APPID"), "WeChat Official Account `AppID`; none: no WeChat messages [WUBU_WECHAT_APPID]")
	c.WeChatSecret = secretEnv("WUBU_WECHAT_SECRET")
	c.WeChatToken = secretEnv("WUBU_WECHAT_TOKEN")
	fs.StringVar(&c.WeChatTemplate, "wechat-template", os.Getenv("WUBU_WECHAT_TEMPLATE"), "WeChat template message `ID` with the keys first, keyword1, keyword2, remark [WUBU_WECHAT_TEMPLATE]")
	fs.StringVar(&c.WeChatLinkURL, "wechat-link-url", os.Getenv("WUBU_WECHAT_LINK_URL"), "`URL` a tap on a WeChat message opens (the residents' portal) [WUBU_WECHAT_LINK_URL]")
	fs.StringVar(&c.WeChatBaseURL, "wechat-api", envOr("WUBU_WECHAT_API", notify.WeChatBaseURL), "WeChat API root `URL` [WUBU_WECHAT_API]")
	fs.StringVar(&c.WeChatOpenURL, "wechat-open", envOr("WUBU_WECHAT_OPEN", notify.WeChatOpenURL), "WeChat web authorization root `URL` [WUBU_WECHAT_OPEN]")
	fs.StringVar(&c.WeComCorpID, "wecom-corpid", os.Getenv("WUBU_WECOM_CORPID"), "WeCom corp `ID`; none: no WeCom application messages [WUBU_WECOM_CORPID]")
	c.WeComSecret = secretEnv("WUBU_WECOM_SECRET")
	agent, _ := strconv.ParseInt(os.Getenv("WUBU_WECOM_AGENTID"), 10, 64)
	fs.Int64Var(&c.WeComAgentID, "wecom-agentid", agent, "WeCom application's `AgentID` [WUBU_WECOM_AGENTID]")
	fs.StringVar(&c.WeComBaseURL, "wecom-api", envOr("WUBU_WECOM_API", notify.WeComBaseURL), "WeCom API root `URL` [WUBU_WECOM_API]")
}

// secretEnv reads a secret from the environment variable, or from the file
// its _FILE variant names (a container's secret file).
func secretEnv(name string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	if f := os.Getenv(name + "_FILE"); f != "" {
		if b, err := os.ReadFile(f); err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	return ""
}

// chinaChannels returns the WeChat account (nil when not configured) and
// the WeCom sender (its group robots work without the application).
func (c NotifyConfig) chinaChannels(now func() time.Time) (*notify.WeChat, *notify.WeCom) {
	var wx *notify.WeChat
	if c.WeChatAppID != "" && c.WeChatSecret != "" {
		wx = &notify.WeChat{BaseURL: c.WeChatBaseURL, OpenURL: c.WeChatOpenURL, AppID: c.WeChatAppID, AppSecret: c.WeChatSecret,
			TemplateID: c.WeChatTemplate, LinkURL: c.WeChatLinkURL, Token: c.WeChatToken, Now: now}
	}
	return wx, &notify.WeCom{BaseURL: c.WeComBaseURL, CorpID: c.WeComCorpID, CorpSecret: c.WeComSecret, AgentID: c.WeComAgentID, Now: now}
}

// StartDelivery starts the outbox's delivery loop on the configured
// channels. Secrets come from the environment (WUBU_SMTP_PASS,
// WUBU_SMS_KEY_SECRET, WUBU_WECHAT_SECRET, WUBU_WECOM_SECRET; the last two
// also from the file a _FILE variable names).
func (m *Main) StartDelivery(ctx context.Context) {
	c := m.Config.Notify
	senders := map[wubu.Channel]notify.Sender{wubu.ChannelInbox: notify.Inbox, wubu.ChannelWebhook: &notify.Webhook{}}
	senders[wubu.ChannelWeCom] = m.WeCom
	if m.WeChat != nil {
		senders[wubu.ChannelWeChat] = m.WeChat
	}
	if c.DemoSink != nil {
		c.DemoSink.Now = m.DB.Clock.Now
		senders[wubu.ChannelEmail], senders[wubu.ChannelSMS] = c.DemoSink, c.DemoSink
		if m.WeChat == nil {
			senders[wubu.ChannelWeChat] = c.DemoSink
		}
		if !m.WeCom.Configured() {
			senders[wubu.ChannelWeCom] = c.DemoSink
		}
	}
	if c.SMTP.Host != "" {
		senders[wubu.ChannelEmail] = &notify.SMTP{Config: c.SMTP}
	}
	if c.SMSKeyID != "" {
		senders[wubu.ChannelSMS] = &notify.SMSSender{Provider: &notify.Aliyun{Endpoint: c.SMSEndpoint, AccessKeyID: c.SMSKeyID, AccessKeySecret: c.SMSKeySecret,
			SignName: c.SMSSignName, DefaultTemplate: c.SMSTemplate}}
	}
	m.Delivery = &notify.Dispatcher{Store: m.Outbox, Senders: senders, Workers: c.Workers, Logger: m.Logger}
	m.Delivery.Start(ctx)
}

// stopDelivery stops the delivery loop, letting the batch in hand finish.
func (m *Main) stopDelivery() {
	if m.Delivery != nil {
		m.Delivery.Close()
		m.Delivery = nil
	}
}
