/*
 * Prints, as one JSON object, the struct offsets src/run/pystack needs to walk a live CPython's
 * threads and frames from outside (scripts/pystack-offsets.sh compiles it once per version).
 * Offsets come from the version's own headers, so nothing here is typed in by hand.
 */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <frameobject.h>
#if PY_VERSION_HEX >= 0x03090000
#include "internal/pycore_runtime.h"
#include "internal/pycore_interp.h"
#endif
#include "internal/pycore_pystate.h"
#if PY_VERSION_HEX >= 0x030B0000
#include "internal/pycore_frame.h"
#endif
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define O(type, field) ((long)offsetof(type, field))

/* Where a bit-field of PyASCIIObject.state lies: set it to all ones in a zeroed object and see
 * which bits of the word moved (bit order is the compiler's business, not ours to guess). */
static unsigned state_word(PyASCIIObject *o) {
    unsigned w;
    memcpy(&w, (char *)o + offsetof(PyASCIIObject, state), sizeof w);
    return w;
}
#define STATE_MASK(field, all) do { PyASCIIObject o; memset(&o, 0, sizeof o); o.state.field = all; \
    printf("    \"" #field "Mask\": %u,\n", state_word(&o)); } while (0)

int main(void) {
    printf("{\n  \"version\": \"%d.%d\",\n", PY_MAJOR_VERSION, PY_MINOR_VERSION);
    printf("  \"runtime\": { \"interpretersHead\": %ld, \"interpretersMain\": %ld, \"mainThread\": %ld },\n",
           O(_PyRuntimeState, interpreters.head), O(_PyRuntimeState, interpreters.main), O(_PyRuntimeState, main_thread));
#if PY_VERSION_HEX >= 0x030B0000
    printf("  \"interp\": { \"threadsHead\": %ld },\n", O(PyInterpreterState, threads.head));
#else
    printf("  \"interp\": { \"threadsHead\": %ld },\n", O(PyInterpreterState, tstate_head));
#endif
#if PY_VERSION_HEX >= 0x030D0000
    /* 3.13: the frame chain hangs off the thread state itself. */
    printf("  \"tstate\": { \"interp\": %ld, \"next\": %ld, \"threadId\": %ld, \"currentFrame\": %ld },\n",
           O(PyThreadState, interp), O(PyThreadState, next), O(PyThreadState, thread_id), O(PyThreadState, current_frame));
#elif PY_VERSION_HEX >= 0x030B0000
    printf("  \"tstate\": { \"interp\": %ld, \"next\": %ld, \"threadId\": %ld, \"cframe\": %ld },\n",
           O(PyThreadState, interp), O(PyThreadState, next), O(PyThreadState, thread_id), O(PyThreadState, cframe));
    printf("  \"cframe\": { \"currentFrame\": %ld },\n", O(_PyCFrame, current_frame));
#else
    printf("  \"tstate\": { \"interp\": %ld, \"next\": %ld, \"threadId\": %ld, \"frame\": %ld },\n",
           O(PyThreadState, interp), O(PyThreadState, next), O(PyThreadState, thread_id), O(PyThreadState, frame));
    printf("  \"frameObject\": { \"back\": %ld, \"code\": %ld },\n", O(PyFrameObject, f_back), O(PyFrameObject, f_code));
#endif
#if PY_VERSION_HEX >= 0x030D0000
    printf("  \"iframe\": { \"previous\": %ld, \"code\": %ld, \"owner\": %ld, \"ownerCstack\": %d },\n",
           O(_PyInterpreterFrame, previous), O(_PyInterpreterFrame, f_executable),
           O(_PyInterpreterFrame, owner), (int)FRAME_OWNED_BY_CSTACK);
#elif PY_VERSION_HEX >= 0x030C0000
    printf("  \"iframe\": { \"previous\": %ld, \"code\": %ld, \"owner\": %ld, \"ownerCstack\": %d },\n",
           O(_PyInterpreterFrame, previous), O(_PyInterpreterFrame, f_code),
           O(_PyInterpreterFrame, owner), (int)FRAME_OWNED_BY_CSTACK);
#elif PY_VERSION_HEX >= 0x030B0000
    /* 3.11 has no C-stack shim frames: -1 matches no owner byte. */
    printf("  \"iframe\": { \"previous\": %ld, \"code\": %ld, \"owner\": %ld, \"ownerCstack\": -1 },\n",
           O(_PyInterpreterFrame, previous), O(_PyInterpreterFrame, f_code), O(_PyInterpreterFrame, owner));
#endif
#if PY_VERSION_HEX >= 0x030D0000
    /* 3.13 publishes its own offsets at the start of _PyRuntime (_Py_DebugOffsets): pairs of
     * (where in that struct, the value we use), so the reader can check the live process agrees. */
    printf("  \"debugOffsets\": [");
#define D(path, value) printf("%s[%ld, %ld]", (n++ ? ", " : ""), O(_Py_DebugOffsets, path), (long)(value))
    int n = 0;
    D(runtime_state.interpreters_head, O(_PyRuntimeState, interpreters.head));
    D(interpreter_state.threads_head, O(PyInterpreterState, threads.head));
    D(thread_state.next, O(PyThreadState, next));
    D(thread_state.interp, O(PyThreadState, interp));
    D(thread_state.current_frame, O(PyThreadState, current_frame));
    D(thread_state.thread_id, O(PyThreadState, thread_id));
    D(interpreter_frame.previous, O(_PyInterpreterFrame, previous));
    D(interpreter_frame.executable, O(_PyInterpreterFrame, f_executable));
    D(interpreter_frame.owner, O(_PyInterpreterFrame, owner));
    D(code_object.filename, O(PyCodeObject, co_filename));
    D(code_object.name, O(PyCodeObject, co_name));
    D(code_object.firstlineno, O(PyCodeObject, co_firstlineno));
    D(pyobject.ob_type, O(PyObject, ob_type));
    D(unicode_object.state, O(PyASCIIObject, state));
    D(unicode_object.length, O(PyASCIIObject, length));
    D(unicode_object.asciiobject_size, sizeof(PyASCIIObject));
    printf("],\n");
#endif
    printf("  \"object\": { \"type\": %ld },\n", O(PyObject, ob_type));
    printf("  \"code\": { \"flags\": %ld, \"firstLine\": %ld, \"name\": %ld, \"filename\": %ld },\n",
           O(PyCodeObject, co_flags), O(PyCodeObject, co_firstlineno), O(PyCodeObject, co_name),
           O(PyCodeObject, co_filename));
    printf("  \"unicode\": {\n    \"length\": %ld,\n    \"state\": %ld,\n    \"asciiSize\": %ld,\n    \"compactSize\": %ld,\n",
           O(PyASCIIObject, length), O(PyASCIIObject, state), (long)sizeof(PyASCIIObject),
           (long)sizeof(PyCompactUnicodeObject));
    STATE_MASK(kind, 7);
    STATE_MASK(compact, 1);
    STATE_MASK(ascii, 1);
    printf("    \"end\": 0\n  }\n}\n");
    return 0;
}
