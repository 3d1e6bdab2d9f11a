package org.tritonosgi.core.internal;

import static org.tritonosgi.core.internal.TritonLibrary.*;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.TritonException;

/**
 * TRITONSERVER_ServerLoadModelWithParameters with a STRING "config" parameter and BYTES "file:&lt;path&gt;"
 * parameters. Every parameter and the memory behind it live until the call returns, then are freed.
 */
final class LoadParameters {

    private static final int PARAMETER_STRING = 0;

    private LoadParameters() {
    }

    static void load(Pointer server, String model, LoadOptions options) {
        List<Pointer> parameters = new ArrayList<>();
        List<Memory> memory = new ArrayList<>();
        try {
            Memory config = utf8(options.configJson().orElseThrow());
            memory.add(config);
            parameters.add(created(TRITONSERVER_ParameterNew("config", PARAMETER_STRING, config), "config"));
            for (Map.Entry<String, byte[]> file : options.files().entrySet()) {
                Memory bytes = new Memory(Math.max(1, file.getValue().length));
                bytes.write(0, file.getValue(), 0, file.getValue().length);
                memory.add(bytes);
                String name = "file:" + file.getKey();
                parameters.add(created(TRITONSERVER_ParameterBytesNew(name, bytes, file.getValue().length), name));
            }
            Memory array = new Memory((long) Native.POINTER_SIZE * parameters.size());
            memory.add(array);
            for (int i = 0; i < parameters.size(); i++) {
                array.setPointer((long) i * Native.POINTER_SIZE, parameters.get(i));
            }
            Triton.check(TRITONSERVER_ServerLoadModelWithParameters(server, model, array, parameters.size()));
        } finally {
            parameters.forEach(TritonLibrary::TRITONSERVER_ParameterDelete);
            memory.forEach(Memory::close);
        }
    }

    private static Pointer created(Pointer parameter, String name) {
        if (parameter == null) {
            throw new TritonException(TritonException.Code.INTERNAL, "cannot create load parameter '" + name + "'");
        }
        return parameter;
    }

    private static Memory utf8(String value) {
        byte[] bytes = Triton.utf8z(value);
        Memory memory = new Memory(bytes.length);
        memory.write(0, bytes, 0, bytes.length);
        return memory;
    }
}
