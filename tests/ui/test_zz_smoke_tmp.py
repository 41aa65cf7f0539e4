import sys
from conftest import goto_page
def test_x():
    print("ok", goto_page.__module__, sys.modules['conftest'].__file__)
    print([k for k in sys.modules if 'conftest' in k])
