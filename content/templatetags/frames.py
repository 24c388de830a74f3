"""``{% personal "template.html" %}``: a visitor's own part of a page that
may be rendered once for everyone (``content.frames``). Renders the template
as ``{% include %}`` would, or leaves a mark when a frame is being rendered."""

from django import template

from content.frames import FRAME_NONCE, personal_mark

register = template.Library()


class PersonalNode(template.Node):
    def __init__(self, template_name: str):
        self.template_name = template_name

    def render(self, context) -> str:
        nonce = context.get(FRAME_NONCE)
        if nonce:
            return personal_mark(nonce, self.template_name)
        included = context.template.engine.get_template(self.template_name)
        with context.push():
            return included.render(context)


@register.tag
def personal(parser, token) -> PersonalNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][:1] not in "\"'" or bits[1][-1:] != bits[1][:1]:
        raise template.TemplateSyntaxError('Use {% personal "template.html" %}.')
    return PersonalNode(bits[1][1:-1])
