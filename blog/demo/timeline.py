"""When the demo's post and its replies were written. The copy keeps no dates,
so they are read from the texts (numbers are the replies' numbers):

- The post: "Heute Nachmittag habe ich eine Mail ... bekommen" and "warum hat A1
  noch nicht reagiert?": written the afternoon the mail arrived, Tuesday
  12 May 2009, before any apology.
- 1 (Marcus) already knows the "Erklärungsschreiben" and the 15-euro voucher, and
  2 (the press spokesman) calls the mishap "was gestern passiert ist": both the
  next morning, Wednesday 13 May, after the apology went out.
- 3 to 8 follow that Wednesday; 5 already tells of the first spam to the leaked
  addresses. 9 answers 7 the next morning.
- 10: Luca thanks the spokesman for coming back "Tage später" and says he has
  little time, so his round of answers comes on Saturday 16 May; 11 and his
  answer 12 the same day.
- 13: Markus was "bis jetzt unterwegs in Montreux": Sunday evening, 17 May.
- 14: Luca notes that Werner did not speak again: Monday 18 May, 15 after it.
- 16: Oliver writes that the same happened "heute" to a Swedish firm and that he
  will link the post "morgen früh": Monday night. 17 (Facebook Connect) follows
  that night.
- The pingback: Oliver "las gestern Nacht" the post: Tuesday morning, 19 May.
"""

import datetime
from zoneinfo import ZoneInfo

VIENNA = ZoneInfo("Europe/Vienna")


def _at(day, hour, minute):
    return datetime.datetime(2009, 5, day, hour, minute, tzinfo=VIENNA)


POST = _at(12, 16, 40)
# Reply number -> when it was written.
REPLIES = {
    1: _at(13, 8, 5),
    2: _at(13, 10, 47),
    3: _at(13, 12, 5),
    4: _at(13, 13, 31),
    5: _at(13, 15, 22),
    6: _at(13, 17, 48),
    7: _at(13, 20, 15),
    8: _at(13, 21, 40),
    9: _at(14, 8, 55),
    10: _at(16, 11, 20),
    11: _at(16, 14, 3),
    12: _at(16, 16, 30),
    13: _at(17, 21, 10),
    14: _at(18, 9, 45),
    15: _at(18, 12, 2),
    16: _at(18, 22, 35),
    17: _at(18, 23, 50),
}
PINGBACK = _at(19, 7, 30)
