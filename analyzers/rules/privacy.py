"""privacy in text: demanding data a deal does not need, and policies that take any data for any use.

个人信息保护法 第六条（最小必要）、第十三条、第二十八条、第二十九条（敏感个人信息须单独同意）；消费者权益保护法
第二十九条；西宁市电子商务信用管理制度 第十一条第（七）项、第十三条第（四）项. Judged by concept — a demand
(提供/发给/填写/拍照/开视频/获取/读取) aimed at a kind of data — not by stock phrases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from analyzers.rules.base import Hit, Rule
from analyzers.text import TextDoc

# kinds of data no online sale needs (the name is what the detail says)
_SENSITIVE = (
    ("身份证件", r"身份证(?:号码?|照片|正反面)?|社保卡|户口本|护照号?|驾驶证|sfz号?|shenfenzheng"),
    ("密码", r"(?:银行卡|支付宝|微信|账号|账户|支付|交易|取款|登录)?密码|(?:yhk|银行卡)[^。;]{0,6}?(?<![a-z])mm(?![a-z0-9])"),
    ("银行卡", r"银行卡号|卡号和开户行|开户行|yhk号?"),
    ("支付账户", r"(?:支付宝|微信)(?:支付)?的?(?:实名|账单|流水|余额|收款)(?:信息|记录)?(?:截图)?"),
    ("他人联系方式", r"(?<!紧急)(?:家人|亲友|亲戚|朋友|好友|联系人)的?(?:姓名|名字)?(?:和|、|及)?(?:电话|手机号?码?|联系方式)"),
    ("财产证明", r"房产证|行驶证|收入证明|银行流水|工资流水"),
    ("录音或摄像", r"(?:持续|后台|自动)录音并?上传|录音[^。;]{0,4}?上传(?:至|到)服务器|(?:调用|打开|开启)(?:您的|你的|用户的?|手机)摄像头"
                   r"|调用摄像头[^。;]{0,6}?上传|自动拍摄[^。;]{0,6}?上传"),
    ("验证码", r"(?:短信)?验证码|校验码|动态码"),
    ("通讯录", r"通讯录|联系人列表|好友列表|已安装(?:的)?应用(?:列表)?"),
    ("人脸或生物识别信息", r"人脸|刷脸|面部(?:信息|照片|数据)|指纹|虹膜|声纹|本人(?:视频|照片)|手持身份证"),
    ("行踪轨迹", r"位置轨迹|行踪轨迹|行动轨迹|实时位置(?:共享)?"),
    ("未成年人信息", r"孩子的?(?:姓名|学校|班级)|子女的?(?:姓名|学校)"),
    ("社交账号", r"抖音(?:、|和|及)?(?:小红书)?账号|微博账号|小红书账号"),
)
_DATA = re.compile("|".join(f"(?P<k{i}>{rx})" for i, (_, rx) in enumerate(_SENSITIVE)))
# a demand on the consumer, or the shop taking it
_DEMAND = re.compile(r"提供|提交|发给|发我|发到|发送|私信|报给|告诉(?:我|客服|我们)|填写|填上|填|上传|拍照|拍给|开视频|录(?:个)?视频|登记|"
                     r"获取|读取|收集|记录|采集|调取|需要您|须提供|必须提供|请提供|验证|核验|截图|备注|留下|"
                     r"(?:需|须|需要|必须)(?:先)?(?:进行|开启|完成)|开启|共享|展示给")
# the consumer keying a code into the shop's own form is how logins work, not a demand to disclose it
_OWN_ENTRY = re.compile(r"输入|填入|收到的?验证码|验证码已发送|获取验证码|发送验证码|重新获取")
_WARNING = re.compile(r"不要|切勿|请勿|谨防|不会(?:向您)?(?:索要|索取|要求)|不会[^。;]{0,8}?(?:收集|索要|索取|获取|要求您?提供)|不(?:要求|需要|需)您?(?:提供|填写|上传)|绝不|从不|不得|严禁|警惕|小心|骗子|诈骗|"
                      r"泄露|不索取|无需|无须|毋须|不必|不须|不需要|不用提供|以任何理由|不会|不存储|不保存|不收集|不读取|禁止|"
                      r"拦截|伪基站|嗅探|破解|"
                      r"通报|责令|整改|无权|举报|不上传|本地|仅在您主动|选择不提供|防伪|不接触|不经手|不触碰|不法分子|冒充")  # goods for sale, news, tips, on-device data
# lawful reasons to see an ID: customs, real-name goods, age checks for restricted sales, travel
_LAWFUL_ID = re.compile(r"清关|海关|跨境|实名(?:制|预约|购票|核验)|核验年龄|验证年龄|寄递[^。;]{0,24}?实名|(?:电话卡|手机卡|号卡|寄递|入住|购票)[^。;]{0,8}?实名|机票|火车票|(?:酒店|民宿|宾馆|旅馆)?入住|住宿登记|"
                        r"年龄核验|未成年人保护|电话卡|手机卡|彩票|医保|处方|营业执照|法人|刻章|资质审核|背景审查|"
                        # insurance needs the insured's identity; real-name tickets are checked at the gate
                        r"投保|被保险人|意外险|保险公司|保单|实名(?:电子)?票|观演人|入场核验|实名入场|登山活动报备|租赁合同|合同履行所(?:需|必需)|"
                        # a platform checking the sellers it admits (电子商务法 第二十七条)
                        r"法定代表人|经营者身份|商家入驻|卖家入驻|入驻(?:时|申请|须|需)|开店申请|主体资格|(?:依法)?核验(?:卖家|商家)?身份|"
                        # a legal basis stated with the request (依法需提交…, 这是公安部门的要求, 按规定登记)
                        r"(?:依法|依照|按照|根据|依据)[^。;]{0,12}?(?:规定|要求|法律|法规|办法|条例)|依法(?:需|须|应)|实名就诊|法定(?:登记|要求|义务)|旧货业|"
                        # 按规定登记…备查: a register the law requires (含麻黄碱类复方制剂 are sold only against the buyer's ID)
                        r"按(?:国家|相关|有关)?规定(?:须|需|要|应)?(?:查验|登记|核验|实名)|登记备查|麻黄碱|"
                        r"(?:公安|文旅|旅游|交通|民航|铁路|卫健|教育|金融|监管)(?:部门|机关|局|主管部门)?的?(?:要求|规定)")
_INVOICE = re.compile(r"增值税专用发票|专票|开票信息|开具发票|开发票|发票抬头")
# a policy that takes anything, for any use, for ever
_BLANKET = re.compile(r"收集您的?(?:任何|全部|所有)(?:个人)?信息|收集您?在[^。;]{0,16}?(?:一切|任何|全部|所有)(?:个人)?信息|"
                      r"(?:没有|不提供|不设|未提供|无)(?:任何)?隐私(?:政策|说明|条款|声明)|"
                      r"(?:共享|同步|提供|披露|出售)(?:给|至|予)?[^。;]{0,12}?(?:合作商家|合作商户|合作伙伴|关联公司|任何第三方|第三方)"
                      r"[^。;]{0,16}?(?:无须|无需|不再|不另行)(?:另行)?通知|未经(?:您的?)?同意的?情况下[^。;]{0,20}?(?:使用|披露|共享|提供)|(?:用于|作)(?:我们|本平台|本店)?认为(?:合适|必要)的(?:任何)?用途|"
                      r"(?:其他|第三方)\s*APP中的(?:浏览|使用)|该功能无法关闭|无法关闭(?:该|此)?(?:功能|收集)|"
                      r"(?:个人)?信息(?:用于|作)任何(?:目的|用途)|(?<![不会未])(?:转让|出售|提供)给?任何第三方|"
                      r"(?:个人)?信息[^。;]{0,24}?(?:提供给|共享给|转让给)(?:合作方|合作伙伴|第三方)[^。;]{0,12}?(?:不得|不可|无法)撤回|"
                      r"(?:即|就)?视为同意[^。;]{0,20}?(?:提供给|共享给|分享给|出售给)[^。;]{0,20}?(?:关联公司|合作伙伴|第三方)")


# customers' data sold, rented or handed to others, or published (数据出租给数据服务商, 会员数据提供给关联公司,
# 在首页公示其姓名与手机号): 个人信息保护法 第二十三条、第二十五条 — a separate consent for each recipient, none for publishing
_PERSONAL = (r"(?:消费者|顾客|客户|买家|会员|用户|您的?)(?:的)?(?:个人)?(?:数据|信息|资料|手机号|电话|姓名|地址|购物记录|购买记录"
             r"|收货信息|快递地址|收货地址)")
_SOLD = re.compile(_PERSONAL + r"[^。;!?]{0,8}?(?:出租|出售|卖给|转卖|租给)"
                   r"|(?:出租|出售|卖给|转卖|租给)[^。;!?]{0,4}?" + _PERSONAL
                   + r"|" + _PERSONAL + r"[^。;!?]{0,4}?(?:提供|共享|分享|交|给|同步)(?:给|予)?了?(?:我们的)?(?:关联公司|合作商家|合作商户|其他商家|广告商"
                   r"|营销公司|数据服务商|保险合作方|合作方|第三方数据)"
                   r"|(?:公示|公开|曝光|挂出)(?:其|他们的|该顾客的?|买家的?)?(?:收货)?(?:姓名|名字|真实姓名)[^。;!?]{0,6}?(?:手机号|电话|地址)")
# shared for delivery, or with the person's own consent
_LAWFUL_SHARE = re.compile(r"物流|快递|配送|发货|承运|经您?(?:单独)?同意|征得[^。;]{0,6}?同意|单独同意")
_JUDGED = re.compile(r"法院|判决|被判|案件|审结|检察")
_REFUSED = re.compile(r"不会|不得|绝不|禁止|严禁|从不|不(?:将|把|向)")


# a report of others' breaches (网信部门通报…未提供隐私政策等问题)
_REPORTED = re.compile(r"通报|整改|责令|违规|处罚|曝光|下架")
_CLAUSE_END = re.compile(r"[，,；;！!？?]")
_REASSURE = re.compile(r"请放心|放心|不会(?:泄露|外泄|外传)|严格保密|绝对保密|保证安全")


def _kind(m: re.Match[str]) -> str:
    for i, (name, _) in enumerate(_SENSITIVE):
        if m.group(f"k{i}"):
            return name
    return ""


# every pattern above needs one of these words (a cheap test before the regular expressions)
_KEYS = ("身份证", "社保卡", "户口本", "护照", "驾驶证", "密码", "银行卡", "开户行", "验证码", "校验码", "动态码",
         "sfz", "shenfenzheng", "yhk", "支付宝", "微信", "家人", "亲友", "亲戚", "朋友", "好友", "房产证", "行驶证",
         "收入证明", "流水", "录音", "摄像头", "自动拍摄", "隐私", "第三方", "合作", "未经", "一切",
         "通讯录", "联系人", "好友列表", "已安装", "人脸", "刷脸", "面部", "指纹", "虹膜", "声纹", "本人", "手持",
         "轨迹", "实时位置", "孩子", "子女", "账号", "收集", "认为", "app", "无法关闭", "视为同意", "任何用途", "任何目的")


_KEYS_RE = re.compile("|".join(map(re.escape, _KEYS)))  # one search instead of one per word


def _sold(doc: TextDoc, done: set[tuple[int, int]]) -> Iterator[Hit]:
    text = doc.text
    for m in _SOLD.finditer(text):
        span = (m.start(), m.end())
        ss, se = doc.sentence(*span)
        if (ss, se) in done or _LAWFUL_SHARE.search(text, ss, se) or _REFUSED.search(text, ss, m.start()) \
                or _WARNING.search(text, ss, m.start()) or doc.negated(span) or doc.compliance(span) or _REPORTED.search(text, ss, se) \
                or _JUDGED.search(text, ss, se):
            continue
        done.add((ss, se))
        yield Hit(m.start(), m.end(), confidence=0.75, detail="（出售、提供或公开消费者个人信息）")


def check_excessive_request(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    text = doc.text
    done: set[tuple[int, int]] = set()
    if any(w in text for w in ("给", "出售", "出租", "租给", "卖", "公示", "公开", "曝光", "挂出")):
        yield from _sold(doc, done)
    if _KEYS_RE.search(text) is None:
        return
    for m in _DATA.finditer(text):
        ss, se = doc.sentence(m.start(), m.end())
        if (ss, se) in done:
            continue
        sent = text[ss:se]
        # a warning governs what follows it; a reassurance after the demand (…密码，请放心，我们不会泄露) does not undo it
        cut = (_CLAUSE_END.search(text, m.end(), se) or m).end()
        rest = text[cut:se]
        warned = _WARNING.search(text[ss:cut]) or (_WARNING.search(rest) and not _REASSURE.search(rest))
        around = text[ss:m.start()] + " " + text[m.end():se]  # 验证码 holds 验证: the data word is no demand
        kind = _kind(m)
        if kind == "身份证件" and _LAWFUL_ID.search(sent):
            doc.exempt("privacy", ss, se)  # a lawful basis binds the model too, asked for or only a form's label
            continue
        if kind != "录音或摄像" and not _DEMAND.search(around) or warned or doc.compliance((m.start(), m.end())) \
                or doc.quoted((m.start(), m.end())):
            continue
        if kind == "银行卡" and _INVOICE.search(sent):
            doc.exempt("privacy", ss, se)
            continue  # a special VAT invoice carries the buyer's bank and account (增值税专用发票: 发票管理办法)
        if kind == "验证码" and _OWN_ENTRY.search(sent) and not re.search(r"发给|告诉|报给|截图", sent):
            continue
        if kind == "密码" and (re.search(r"(?:设置|设定|修改|重置|找回|忘记)(?:您的|你的)?(?:登录|支付|账户|账号)?$", text[max(ss, m.start() - 8):m.start()])
                             or (re.search(r"设置|修改|重置|找回|忘记", sent) and "提供" not in sent)):
            doc.exempt("privacy", ss, se)  # binds the model too (engine._overruled)
            continue  # the consumer's own account settings (设置密码完成注册)
        done.add((ss, se))
        yield Hit(m.start(), m.end(), confidence=0.8, detail=f"（{kind}）")
    for m in _BLANKET.finditer(text):
        span = (m.start(), m.end())
        ss, se = doc.sentence(*span)
        said = re.sub(r"(?:不得|不可|无法)撤回$", "", m.group())  # "the user may not withdraw" is the demand, not a warning
        if (ss, se) in done or _WARNING.search(said) or doc.compliance(span) or _REPORTED.search(text, ss, se):
            continue
        done.add(doc.sentence(*span))
        yield Hit(m.start(), m.end(), confidence=0.75, detail="（概括收集或无法拒绝）")


LAW = ("个人信息保护法 第六条、第二十八条、第二十九条", "消费者权益保护法 第二十九条")

RULES: tuple[Rule, ...] = (
    Rule(
        id="PRIV-TEXT-EXCESSIVE", category="privacy", article="11(7), 13(4)", law=LAW, severity="high",
        explanation="索取交易不需要的个人信息（身份证件、密码、验证码、通讯录、人脸等），或概括收集、无法拒绝",
        check=check_excessive_request, scope="text",
        what="Text that demands data a sale does not need — ID documents or photos, card or account passwords, "
             "verification codes, contact lists, face or other biometric data, location tracks, children's details, "
             "social accounts — or a policy that collects any data for any use, cannot be switched off, or is "
             "deemed accepted for sharing with partners; customers' data sold, rented or handed to other businesses, "
             "or their names and numbers published.",
        why="个人信息保护法第六条：处理个人信息应当限于实现处理目的的最小范围；第二十八条、第二十九条：生物识别、金融账户、"
            "行踪轨迹、不满十四周岁未成年人的信息是敏感个人信息，须有特定目的和充分必要性并取得单独同意；"
            "消费者权益保护法第二十九条：收集、使用消费者个人信息应当遵循合法、正当、必要的原则；"
            "违反西宁市电子商务信用管理制度第十一条第（七）项、第十三条第（四）项。",
        bad=("亲，退款需要您提供支付宝账号密码，我们后台帮您操作。", "领券请把收到的验证码发给客服。",
             "注册即授权本平台将您的个人信息用于任何用途。",
             "想领免费鸡蛋的，把身份证拍照发给我，我们统一登记。", "为核对身份，需要您开视频让我们看一下您的身份证和本人。",
             "本店在您付款时将自动获取您的通讯录及已安装应用列表。", "填写孩子的姓名、学校、班级就可以领一包纸巾。",
             "答：开店需要提交身份证号、银行卡号和银行卡密码（用于奖励自动到账），请放心，我们不会泄露。",
             "我们可能会收集您的任何信息，并用于我们认为合适的任何用途。", "领券请提供两位亲友的姓名和手机号。",
             "下单前请私信sfz号。", "参与活动请把支付宝实名截图发给客服。", "本店没有隐私政策，下单即同意信息用于推广。",
             "本店保留将消费者数据出租给数据服务商的权利。", "对恶意差评的顾客，本店将在首页公示其收货姓名与手机号。"),
        good=("客服不会向您索要密码或验证码，请勿泄露。", "我们卖厨房砍骨刀，寄递时需要提供收件人身份证号给快递公司实名登记。", "购买酒类需年满18周岁，系统通过支付账户实名信息核验年龄，本店不额外收集您的身份证照片。", "跨境商品清关需提供收货人身份证号码。", "请输入手机收到的验证码完成登录。",
              "滑雪票含意外险，需填写被保险人身份证号，仅用于投保。",
              "收货地址和手机号仅用于配送。", "您可以在账户设置中修改登录密码。", "谨防诈骗：任何要求您提供银行卡密码的都是骗子。",
              "购买电话卡须按规定实名登记，请提供身份证。",
              "本药房销售特殊药品复方制剂，按规定登记购买人身份证号，登记备查，不作他用。",
              "开增值税专用发票请提供公司名称、税号、开户行及账号。",
              "我们不会读取通讯录、相册或定位。", "平台禁止商家要求消费者提供身份证号、银行卡密码、通讯录等。",
              "本店0元试用仅需填写收货信息，不需要上传身份证照片。", "普通消费者购物无须提供身份证号码。",
              "凡是以退款为由要求您提供银行卡密码的，都是诈骗。", "网信部门通报多款App未提供隐私政策，已责令整改。",
              "回收旧手机前请自行退出账号，我们不接触您的账号密码。",
              "我们不会将您的个人信息出售给任何人。", "您的收货信息仅提供给快递公司用于配送。"),
        references=("个人信息保护法 第六条、第二十八条", "消费者权益保护法 第二十九条"),
    ),
)
