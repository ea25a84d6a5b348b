/* The core of escalation.model.splitmix.SplitMix in C: SplitMix64's state, its next output as
 * a float or as bits, and the spare normal deviate that random.Random.gauss keeps.
 *
 * Optional: setup.py builds it with the engine's compiled core; escalation/model/splitmix.py
 * states the same arithmetic in Python and is used wherever this module is not built (or the
 * sources are asked for), and the tests hold the two to the same numbers.
 *
 * The type derives from _random.Random so that the Python class built over it is a real
 * random.Random (every method of the standard library's generator works on it, through
 * random() and getrandbits()). It never uses the Mersenne Twister's state that it inherits:
 * making a stream costs an allocation, not the Twister's seeding (about 4 microseconds).
 * Its own fields sit after the base's, at an offset read from the base type when the module
 * is loaded, since _random.Random's layout is not part of Python's C API.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <math.h>
#include <stdint.h>

#define GOLDEN 0x9E3779B97F4A7C15ULL

typedef struct {
    uint64_t state;
    double gauss_next; /* random.Random.gauss's spare deviate, if has_gauss_next */
    int has_gauss_next;
} Fields;

static Py_ssize_t fields_offset;

static inline Fields *fields(PyObject *self) {
    return (Fields *)((char *)self + fields_offset);
}

static inline uint64_t finalise(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Steele, Lea and Flood (2014): the state advances by the golden gamma, the output is the
 * state through the finaliser of Stafford's variant 13. */
static inline uint64_t next64(PyObject *self) {
    Fields *f = fields(self);
    return finalise(f->state += GOLDEN);
}


static inline double uniform(PyObject *self) {
    return (double)(next64(self) >> 11) * (1.0 / 9007199254740992.0);
}

static PyObject *core_random(PyObject *self, PyObject *unused) {
    return PyFloat_FromDouble(uniform(self));
}

/* A standard normal deviate as random.Random.gauss(0.0, 1.0) makes it, the same value and the
 * same spare kept: two uniforms, Box and Muller's arithmetic in the same order. */
static double standard_normal(PyObject *self) {
    Fields *f = fields(self);
    if (f->has_gauss_next) {
        f->has_gauss_next = 0;
        return f->gauss_next;
    }
    double x2pi = uniform(self) * (2.0 * 3.141592653589793);
    double g2rad = sqrt(-2.0 * log(1.0 - uniform(self)));
    f->gauss_next = sin(x2pi) * g2rad;
    f->has_gauss_next = 1;
    return cos(x2pi) * g2rad;
}

static PyObject *core_normal(PyObject *self, PyObject *unused) {
    return PyFloat_FromDouble(standard_normal(self));
}

/* lognormal(median, sigma): model/draws.py's lognormal, median * exp(min(sigma * z, 709.0)) for
 * a standard normal z drawn as ``normal`` draws it (the same spare kept), min as Python's. */
static PyObject *core_lognormal(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "lognormal() takes a median and a sigma");
        return NULL;
    }
    double median = PyFloat_AsDouble(args[0]);
    if (median == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    double sigma = PyFloat_AsDouble(args[1]);
    if (sigma == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    double z = standard_normal(self);
    double exponent = sigma * (0.0 + z * 1.0); /* gauss(rng, 0.0, 1.0) as draws.py computes it */
    if (709.0 < exponent) {
        exponent = 709.0;
    }
    return PyFloat_FromDouble(median * exp(exponent));
}

/* expovariate(lambd=1.0): random.Random.expovariate as Python computes it, -log(1 - u) / lambd,
 * the uniform drawn before lambd is read (a lambd that is 0 or no number fails after the draw,
 * as Python's does). */
static PyObject *core_expovariate(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs > 1) {
        PyErr_SetString(PyExc_TypeError, "expovariate() takes at most one argument");
        return NULL;
    }
    double wait = -log(1.0 - uniform(self)); /* drawn first, whatever lambd is */
    double lambd = nargs ? PyFloat_AsDouble(args[0]) : 1.0;
    if (lambd == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    if (lambd == 0.0) {
        PyErr_SetString(PyExc_ZeroDivisionError, "float division by zero");
        return NULL;
    }
    return PyFloat_FromDouble(wait / lambd);
}

/* k random bits as a non-negative int: the top k bits of one output for k <= 64; beyond, one
 * output per 64 bits, least significant first, the last one's top bits. */
static PyObject *core_getrandbits(PyObject *self, PyObject *arg) {
    long k = PyLong_AsLong(arg);
    if (k == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (k < 0) {
        PyErr_SetString(PyExc_ValueError, "number of bits must be non-negative");
        return NULL;
    }
    if (k == 0) {
        return PyLong_FromLong(0);
    }
    if (k <= 64) {
        return PyLong_FromUnsignedLongLong(next64(self) >> (64 - k));
    }
    /* beyond 64 bits: word i shifted left by 64 * i, with Python's public int operations */
    PyObject *result = PyLong_FromLong(0);
    for (long shift = 0; result != NULL && shift < k; shift += 64) {
        uint64_t word = next64(self);
        if (k - shift < 64) {
            word >>= 64 - (k - shift);
        }
        PyObject *value = PyLong_FromUnsignedLongLong(word);
        PyObject *places = PyLong_FromLong(shift);
        PyObject *shifted = (value && places) ? PyNumber_Lshift(value, places) : NULL;
        PyObject *merged = shifted ? PyNumber_Or(result, shifted) : NULL;
        Py_XDECREF(value);
        Py_XDECREF(places);
        Py_XDECREF(shifted);
        Py_SETREF(result, merged);
    }
    return result;
}

/* start(seed, salt): a stream of this class for one purpose of one run, made without
 * __init__; its state is the finaliser of seed * GOLDEN + salt (both taken modulo 2**64). */
static PyObject *core_start(PyObject *cls, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "start() takes a seed and a salt");
        return NULL;
    }
    unsigned long long seed = PyLong_AsUnsignedLongLongMask(args[0]);
    if (seed == (unsigned long long)-1 && PyErr_Occurred()) {
        return NULL;
    }
    unsigned long long salt = PyLong_AsUnsignedLongLongMask(args[1]);
    if (salt == (unsigned long long)-1 && PyErr_Occurred()) {
        return NULL;
    }
    PyTypeObject *type = (PyTypeObject *)cls;
    PyObject *self = type->tp_alloc(type, 0);
    if (self != NULL) {
        fields(self)->state = finalise((uint64_t)seed * GOLDEN + (uint64_t)salt);
    }
    return self;
}

static PyObject *state_get(PyObject *self, void *closure) {
    return PyLong_FromUnsignedLongLong(fields(self)->state);
}

static int state_set(PyObject *self, PyObject *value, void *closure) {
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "a stream's state cannot be deleted");
        return -1;
    }
    unsigned long long state = PyLong_AsUnsignedLongLongMask(value);
    if (state == (unsigned long long)-1 && PyErr_Occurred()) {
        return -1;
    }
    fields(self)->state = state;
    return 0;
}

static PyObject *gauss_next_get(PyObject *self, void *closure) {
    Fields *f = fields(self);
    return f->has_gauss_next ? PyFloat_FromDouble(f->gauss_next) : Py_NewRef(Py_None);
}

static int gauss_next_set(PyObject *self, PyObject *value, void *closure) {
    Fields *f = fields(self);
    if (value == NULL || value == Py_None) {
        f->has_gauss_next = 0;
        return 0;
    }
    double spare = PyFloat_AsDouble(value);
    if (spare == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    f->gauss_next = spare;
    f->has_gauss_next = 1;
    return 0;
}

static PyMethodDef core_methods[] = {
    {"random", core_random, METH_NOARGS, "The next float in [0, 1): the top 53 bits of an output."},
    {"getrandbits", core_getrandbits, METH_O, "An int of k random bits."},
    {"expovariate", (PyCFunction)(void (*)(void))core_expovariate, METH_FASTCALL,
     "random.Random.expovariate, in C."},
    {"normal", core_normal, METH_NOARGS, "A standard normal deviate, as gauss(0.0, 1.0)."},
    {"lognormal", (PyCFunction)(void (*)(void))core_lognormal, METH_FASTCALL,
     "model/draws.py's lognormal(rng, median, sigma)."},
    {"start", (PyCFunction)(void (*)(void))core_start, METH_CLASS | METH_FASTCALL,
     "A stream for one purpose of one run: start(seed, salt)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef core_getset[] = {
    {"_state", state_get, state_set, "SplitMix64's state: the last output's counter.", NULL},
    {"gauss_next", gauss_next_get, gauss_next_set, "random.Random.gauss's spare deviate.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot core_slots[] = {
    {Py_tp_doc, "SplitMix64 under random.Random's interface (see escalation.model.splitmix)."},
    {Py_tp_methods, core_methods},
    {Py_tp_getset, core_getset},
    {0, NULL},
};

static PyType_Spec core_spec = {
    "escalation.model._splitmix.Core", 0, 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, core_slots,
};

static int exec_module(PyObject *module) {
    PyObject *random_module = PyImport_ImportModule("_random");
    if (random_module == NULL) {
        return -1;
    }
    PyObject *base = PyObject_GetAttrString(random_module, "Random");
    Py_DECREF(random_module);
    if (base == NULL) {
        return -1;
    }
    if (!PyType_Check(base) || ((PyTypeObject *)base)->tp_itemsize != 0) {
        PyErr_SetString(PyExc_ImportError, "_random.Random is not a fixed-size type here");
        Py_DECREF(base);
        return -1;
    }
    Py_ssize_t size = ((PyTypeObject *)base)->tp_basicsize;
    fields_offset = (size + 7) / 8 * 8;
    core_spec.basicsize = (int)(fields_offset + (Py_ssize_t)sizeof(Fields));
    PyObject *core = PyType_FromSpecWithBases(&core_spec, base);
    Py_DECREF(base);
    if (core == NULL) {
        return -1;
    }
    if (PyModule_AddObject(module, "Core", core) < 0) {
        Py_DECREF(core);
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "escalation.model._splitmix",
    "SplitMix64 streams for the engine (see escalation/model/splitmix.py).", 0, NULL, module_slots,
};

PyMODINIT_FUNC PyInit__splitmix(void) {
    return PyModuleDef_Init(&module_def);
}
