"""The poster maker's services (Posterizarr's whole job): read libraries from media servers, look up
and cache provider images, plan what to (re)generate, write assets atomically, record every choice.
The module that drives them is ``curatarr.modules.poster_maker``."""
